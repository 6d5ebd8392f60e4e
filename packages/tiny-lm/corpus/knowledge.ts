/**
 * Structured knowledge for the tiny-lm training corpus.
 *
 * `build.ts` expands these tables into many short sentences with varied phrasings, so the
 * ~1-3M-parameter model sees each fact many times in simple, consistent words. Everything
 * is plain ASCII and uses a small vocabulary on purpose: the tokenizer is a ~2k byte-level
 * BPE, and a tiny model learns a small closed world far better than a wide open one.
 *
 * The leaves rely on some of these tables directly (skill names, captions), so changing a
 * string here changes what the baked model "knows". The section at the very end lists the
 * HELD-OUT material used only by `eval/probes.json`; `build.ts` asserts it never reaches
 * corpus.txt or heldout.txt.
 */

// ---------------------------------------------------------------------------------------
// 1. Kitchen and household (SayCan, Inner Monologue)
// ---------------------------------------------------------------------------------------

export interface Place {
  name: string;
  /** Preposition used when something is put there: "in the fridge", "on the table". */
  prep: 'in' | 'on';
  /** Openable places need "open the L" before and "close the L" after putting things in. */
  openable: boolean;
  about: string[];
}

export const PLACES: Place[] = [
  { name: 'counter', prep: 'on', openable: false, about: ['The counter is a flat place in the kitchen where food is made.', 'Fruit is often kept on the counter.'] },
  { name: 'table', prep: 'on', openable: false, about: ['People sit at the table to eat.', 'The table is where we put plates and cups for a meal.'] },
  { name: 'drawer', prep: 'in', openable: true, about: ['The drawer holds spoons, towels and small things.', 'You must open the drawer before you take something out of it.'] },
  { name: 'fridge', prep: 'in', openable: true, about: ['The fridge keeps food and drinks cold.', 'You must open the fridge before you can take a drink out of it.'] },
  { name: 'sink', prep: 'in', openable: false, about: ['The sink has water for washing dishes and hands.', 'The sponge and the soap are kept near the sink.'] },
  { name: 'trash can', prep: 'in', openable: false, about: ['The trash can is where we throw away things we do not need.', 'Empty cans and old food go in the trash can.'] },
  { name: 'cabinet', prep: 'in', openable: true, about: ['The cabinet holds bowls, plates and dry food.', 'You open the cabinet to take out a bowl.'] },
  { name: 'shelf', prep: 'on', openable: false, about: ['The shelf holds cups and other small things.', 'Cups are often kept on the shelf.'] },
];

export type ObjectKind = 'food' | 'drink' | 'tool' | 'dish';

export interface KitchenObject {
  name: string;
  article: 'a' | 'an';
  kind: ObjectKind;
  /** Where the object usually is; also where "put the X away" takes it. */
  home: string;
  /** What the object is for, as verb phrases ("clean a spill"). */
  uses: string[];
  facts: string[];
}

export const OBJECTS: KitchenObject[] = [
  { name: 'apple', article: 'an', kind: 'food', home: 'counter', uses: ['eat as a snack', 'make a healthy lunch'], facts: ['An apple is a fruit.', 'An apple is red or green.', 'You can eat an apple when you are hungry.'] },
  { name: 'banana', article: 'a', kind: 'food', home: 'counter', uses: ['eat as a snack', 'give you energy'], facts: ['A banana is a yellow fruit.', 'You peel a banana before you eat it.'] },
  { name: 'orange', article: 'an', kind: 'food', home: 'fridge', uses: ['eat as a snack', 'make juice'], facts: ['An orange is a round fruit.', 'An orange is sweet and full of juice.'] },
  { name: 'chips', article: 'a', kind: 'food', home: 'cabinet', uses: ['eat as a salty snack'], facts: ['Chips are a salty snack.', 'A bag of chips is kept in the cabinet.'] },
  { name: 'energy bar', article: 'an', kind: 'food', home: 'drawer', uses: ['eat as a quick snack', 'give you energy'], facts: ['An energy bar is a small snack.', 'An energy bar is good when you need energy fast.'] },
  { name: 'coke can', article: 'a', kind: 'drink', home: 'fridge', uses: ['drink when you are thirsty'], facts: ['A coke can holds a sweet drink.', 'A coke can is best when it is cold.', 'An empty coke can goes in the trash can.'] },
  { name: 'water bottle', article: 'a', kind: 'drink', home: 'fridge', uses: ['drink when you are thirsty', 'carry water with you'], facts: ['A water bottle holds clean water.', 'Water is the best drink when you are thirsty.'] },
  { name: 'sponge', article: 'a', kind: 'tool', home: 'sink', uses: ['clean a spill', 'wash the dishes', 'wipe the table'], facts: ['A sponge is soft and soaks up water.', 'A sponge is used to clean a spill.', 'You use a sponge and soap to wash dishes.'] },
  { name: 'towel', article: 'a', kind: 'tool', home: 'drawer', uses: ['dry your hands', 'dry the dishes', 'wipe up water'], facts: ['A towel is used to dry things.', 'A towel can also wipe up a spill.'] },
  { name: 'soap', article: 'a', kind: 'tool', home: 'sink', uses: ['wash your hands', 'wash the dishes'], facts: ['Soap makes things clean.', 'You use soap and water to wash your hands.'] },
  { name: 'napkin', article: 'a', kind: 'tool', home: 'table', uses: ['wipe your mouth', 'wipe your hands'], facts: ['A napkin is a small piece of paper or cloth.', 'People use a napkin during a meal.'] },
  { name: 'bowl', article: 'a', kind: 'dish', home: 'cabinet', uses: ['hold soup', 'hold fruit', 'eat cereal'], facts: ['A bowl is round and deep.', 'You eat soup from a bowl.'] },
  { name: 'cup', article: 'a', kind: 'dish', home: 'shelf', uses: ['hold a drink', 'drink tea'], facts: ['A cup holds a drink.', 'You drink tea or water from a cup.'] },
  { name: 'plate', article: 'a', kind: 'dish', home: 'cabinet', uses: ['hold food', 'serve a meal'], facts: ['A plate is flat and round.', 'You put food on a plate.'] },
  { name: 'spoon', article: 'a', kind: 'dish', home: 'drawer', uses: ['eat soup', 'stir tea'], facts: ['A spoon is used to eat soup.', 'Spoons are kept in the drawer.'] },
];

/** Drinks that can be spilled; the fix is always the sponge. */
export const SPILLABLE = ['drink', 'coke', 'water', 'juice', 'tea', 'milk', 'coffee', 'soup'];

/**
 * The robot's fixed skill vocabulary (SayCan's skill library). X is an object, L a place.
 * Plans in the corpus use exactly these strings, so a leaf can score them by log-prob.
 */
export const SKILLS = {
  find: (x: string) => `find the ${x}`,
  pick: (x: string) => `pick up the ${x}`,
  goTo: (l: string) => `go to the ${l}`,
  putDown: (x: string) => `put down the ${x}`,
  open: (l: string) => `open the ${l}`,
  close: (l: string) => `close the ${l}`,
  bring: () => 'bring it to you',
  done: () => 'done',
} as const;

/**
 * Instruction templates. Each template belongs to a task kind that decides the plan.
 * `{x}` is the object, `{l}` the place, `{p}` the place's preposition ("in"/"on").
 * The (template id x object) pairs in HELDOUT_COMBOS below are never generated.
 */
export type TaskKind = 'bring' | 'put' | 'trash' | 'putAway' | 'spill' | 'getFrom';

export interface InstructionTemplate {
  id: string;
  kind: TaskKind;
  text: string;
}

export const INSTRUCTIONS: InstructionTemplate[] = [
  { id: 'bring-1', kind: 'bring', text: 'bring me the {x}' },
  { id: 'bring-2', kind: 'bring', text: 'can you bring me the {x}' },
  { id: 'bring-3', kind: 'bring', text: 'please get me the {x}' },
  { id: 'bring-4', kind: 'bring', text: 'I would like the {x}' },
  { id: 'bring-5', kind: 'bring', text: 'fetch the {x} for me' },
  { id: 'bring-6', kind: 'bring', text: 'hand me the {x}' },
  { id: 'put-1', kind: 'put', text: 'put the {x} {p} the {l}' },
  { id: 'put-2', kind: 'put', text: 'move the {x} to the {l}' },
  { id: 'put-3', kind: 'put', text: 'take the {x} to the {l}' },
  { id: 'trash-1', kind: 'trash', text: 'throw away the {x}' },
  { id: 'trash-2', kind: 'trash', text: 'put the {x} in the trash' },
  { id: 'trash-3', kind: 'trash', text: 'get rid of the {x}' },
  { id: 'away-1', kind: 'putAway', text: 'put the {x} away' },
  { id: 'away-2', kind: 'putAway', text: 'put away the {x}' },
  { id: 'away-3', kind: 'putAway', text: 'clean up the {x}' },
  { id: 'from-1', kind: 'getFrom', text: 'get the {x} from the {l}' },
  { id: 'from-2', kind: 'getFrom', text: 'take the {x} out of the {l} and bring it to me' },
  { id: 'spill-1', kind: 'spill', text: 'I spilled my {x}, can you help' },
  { id: 'spill-2', kind: 'spill', text: 'I just spilled some {x} on the floor' },
  { id: 'spill-3', kind: 'spill', text: 'oh no, my {x} spilled on the table' },
];

// ---------------------------------------------------------------------------------------
// 2. Crafter-like survival world (ELLM)
// ---------------------------------------------------------------------------------------

/** Things the agent can see around it. */
export const CRAFT_THINGS = ['tree', 'grass', 'water', 'cow', 'stone', 'coal', 'iron', 'diamond', 'sand', 'lava', 'zombie', 'skeleton', 'table', 'furnace', 'plant'] as const;
export type CraftThing = (typeof CRAFT_THINGS)[number];

/** Things the agent can carry. */
export const CRAFT_ITEMS = ['wood', 'sapling', 'stone', 'coal', 'iron', 'diamond', 'wood pickaxe', 'stone pickaxe', 'iron pickaxe', 'wood sword', 'stone sword', 'iron sword'] as const;
export type CraftItem = (typeof CRAFT_ITEMS)[number];

export interface Achievement {
  id: string;
  /** The canonical goal, in the imperative ("collect wood"). */
  goal: string;
  /** Other phrasings of the same goal that the corpus uses. */
  goalAlts: string[];
  /** The caption the environment prints when the goal is achieved. */
  caption: string;
  /** Must be visible (nearby). */
  near: CraftThing[];
  /** Must be in the inventory. */
  needs: CraftItem[];
  /** Why, in one or two plain sentences. */
  why: string[];
}

export const ACHIEVEMENTS: Achievement[] = [
  { id: 'collect_wood', goal: 'collect wood', goalAlts: ['get wood', 'cut a tree for wood', 'take wood from a tree'], caption: 'You collected wood.', near: ['tree'], needs: [], why: ['Trees give wood.', 'Collecting wood needs nothing, only a tree nearby.', 'You chop trees to get wood.'] },
  { id: 'place_table', goal: 'place a table', goalAlts: ['build a table', 'make a crafting table', 'put down a table'], caption: 'You placed a table.', near: ['grass'], needs: ['wood'], why: ['A table needs wood.', 'You need a table nearby to make tools.'] },
  { id: 'make_wood_pickaxe', goal: 'make a wood pickaxe', goalAlts: ['craft a wood pickaxe', 'build a wooden pickaxe'], caption: 'You made a wood pickaxe.', near: ['table'], needs: ['wood'], why: ['A wood pickaxe needs wood and a table nearby.', 'A wood pickaxe lets you mine stone and coal.'] },
  { id: 'make_wood_sword', goal: 'make a wood sword', goalAlts: ['craft a wood sword', 'build a wooden sword'], caption: 'You made a wood sword.', near: ['table'], needs: ['wood'], why: ['A wood sword needs wood and a table nearby.', 'A sword helps you fight zombies.'] },
  { id: 'collect_stone', goal: 'collect stone', goalAlts: ['mine stone', 'get stone'], caption: 'You collected stone.', near: ['stone'], needs: ['wood pickaxe'], why: ['Stone needs a wood pickaxe.', 'You cannot mine stone with your hands.'] },
  { id: 'place_stone', goal: 'place stone', goalAlts: ['put down a stone', 'build a stone wall'], caption: 'You placed stone.', near: [], needs: ['stone'], why: ['Placing stone needs stone in your inventory.', 'A stone wall can keep zombies away.'] },
  { id: 'collect_coal', goal: 'collect coal', goalAlts: ['mine coal', 'get coal'], caption: 'You collected coal.', near: ['coal'], needs: ['wood pickaxe'], why: ['Coal needs a wood pickaxe.', 'Coal is used to make iron tools.'] },
  { id: 'make_stone_pickaxe', goal: 'make a stone pickaxe', goalAlts: ['craft a stone pickaxe', 'build a stone pickaxe'], caption: 'You made a stone pickaxe.', near: ['table'], needs: ['wood', 'stone'], why: ['A stone pickaxe needs stone and wood and a table nearby.', 'A stone pickaxe lets you mine iron.'] },
  { id: 'make_stone_sword', goal: 'make a stone sword', goalAlts: ['craft a stone sword', 'build a stone sword'], caption: 'You made a stone sword.', near: ['table'], needs: ['wood', 'stone'], why: ['A stone sword needs stone and wood and a table nearby.', 'A stone sword is stronger than a wood sword.'] },
  { id: 'place_furnace', goal: 'place a furnace', goalAlts: ['build a furnace', 'put down a furnace'], caption: 'You placed a furnace.', near: ['table'], needs: ['stone'], why: ['A furnace needs stone and a table nearby.', 'A furnace is needed for iron tools.'] },
  { id: 'collect_iron', goal: 'collect iron', goalAlts: ['mine iron', 'get iron'], caption: 'You collected iron.', near: ['iron'], needs: ['stone pickaxe'], why: ['Iron needs a stone pickaxe.', 'Iron is found deep in the caves.'] },
  { id: 'make_iron_pickaxe', goal: 'make an iron pickaxe', goalAlts: ['craft an iron pickaxe', 'build an iron pickaxe'], caption: 'You made an iron pickaxe.', near: ['table', 'furnace'], needs: ['wood', 'coal', 'iron'], why: ['An iron pickaxe needs wood, coal and iron, with a table and a furnace nearby.', 'An iron pickaxe lets you mine diamonds.'] },
  { id: 'make_iron_sword', goal: 'make an iron sword', goalAlts: ['craft an iron sword', 'build an iron sword'], caption: 'You made an iron sword.', near: ['table', 'furnace'], needs: ['wood', 'coal', 'iron'], why: ['An iron sword needs wood, coal and iron, with a table and a furnace nearby.', 'An iron sword is the best weapon.'] },
  { id: 'collect_diamond', goal: 'collect a diamond', goalAlts: ['mine a diamond', 'get a diamond'], caption: 'You collected a diamond.', near: ['diamond'], needs: ['iron pickaxe'], why: ['A diamond needs an iron pickaxe.', 'Diamonds are rare and very hard to find.'] },
  { id: 'collect_drink', goal: 'drink water', goalAlts: ['drink from the lake', 'get a drink of water'], caption: 'You drank water.', near: ['water'], needs: [], why: ['Drinking water restores thirst.', 'When you are thirsty, you should drink water.'] },
  { id: 'eat_cow', goal: 'eat a cow', goalAlts: ['hunt a cow', 'get food from a cow'], caption: 'You ate a cow.', near: ['cow'], needs: [], why: ['Eating a cow restores food.', 'When you are hungry, you should eat a cow.'] },
  { id: 'collect_sapling', goal: 'collect a sapling', goalAlts: ['get a sapling', 'take a sapling from the grass'], caption: 'You collected a sapling.', near: ['grass'], needs: [], why: ['Saplings come from grass.', 'A sapling is a small young tree.'] },
  { id: 'place_plant', goal: 'place a plant', goalAlts: ['plant a sapling', 'put a sapling in the ground'], caption: 'You placed a plant.', near: ['grass'], needs: ['sapling'], why: ['A sapling can be placed on grass as a plant.', 'A plant grows and later gives food.'] },
  { id: 'eat_plant', goal: 'eat a plant', goalAlts: ['eat a ripe plant', 'get food from a plant'], caption: 'You ate a plant.', near: ['plant'], needs: [], why: ['A ripe plant restores food.', 'You must wait for a plant to grow before you eat it.', 'Once a plant is ripe, you can eat it.'] },
  { id: 'defeat_zombie', goal: 'defeat a zombie', goalAlts: ['fight a zombie', 'kill a zombie'], caption: 'You defeated a zombie.', near: ['zombie'], needs: [], why: ['Zombies hurt you.', 'A zombie comes out on the grass, most of all at night.', 'A sword makes fighting easier.'] },
  { id: 'defeat_skeleton', goal: 'defeat a skeleton', goalAlts: ['fight a skeleton', 'kill a skeleton'], caption: 'You defeated a skeleton.', near: ['skeleton'], needs: [], why: ['Skeletons live in caves and shoot arrows.', 'Skeletons hurt you from far away.'] },
  { id: 'wake_up', goal: 'sleep', goalAlts: ['go to sleep', 'take a rest'], caption: 'You woke up.', near: [], needs: [], why: ['Sleeping restores energy.', 'When you are tired, you should sleep.', 'Sleep in a safe place, because zombies hurt you at night.', 'You sleep through the night and wake up in the morning.'] },
];

/** Body stats: the low state, the fix and the word for it. */
export const CRAFT_STATS = [
  { stat: 'food', low: 'You are hungry.', fix: 'eat_cow', words: 'Your food is low.' },
  { stat: 'drink', low: 'You are thirsty.', fix: 'collect_drink', words: 'Your thirst is high.' },
  { stat: 'energy', low: 'You are tired.', fix: 'wake_up', words: 'Your energy is low.' },
  { stat: 'health', low: 'You are hurt.', fix: 'wake_up', words: 'Your health is low.' },
];

/** Captions of steps that achieve nothing; they make the caption set less trivial. */
export const CRAFT_NOOP_CAPTIONS = ['You moved left.', 'You moved right.', 'You moved up.', 'You moved down.', 'You did nothing.', 'You walked into the water.', 'You hit the tree.', 'You were hurt by a zombie.', 'You were hit by an arrow.'];

// ---------------------------------------------------------------------------------------
// 3. Grid world with colored objects (GLAM / BabyAI, Planner-Actor-Reporter)
// ---------------------------------------------------------------------------------------

export const COLORS = ['red', 'green', 'blue', 'purple', 'yellow', 'grey'] as const;
export const GRID_OBJECTS = ['ball', 'box', 'key', 'door'] as const;
/** The BabyAI / GLAM action set, in this order. */
export const GRID_ACTIONS = ['turn left', 'turn right', 'go forward', 'pick up', 'drop', 'toggle'] as const;

// ---------------------------------------------------------------------------------------
// 4. Everyday procedures
// ---------------------------------------------------------------------------------------

export interface Procedure {
  /** Verb phrase: "make tea". */
  task: string;
  steps: string[];
}

export const PROCEDURES: Procedure[] = [
  { task: 'make tea', steps: ['boil some water', 'put a tea bag in a cup', 'pour the hot water into the cup', 'wait for three minutes', 'take out the tea bag'] },
  { task: 'make coffee', steps: ['boil some water', 'put coffee in a cup', 'pour the hot water into the cup', 'stir the coffee with a spoon', 'add milk if you like'] },
  { task: 'wash the dishes', steps: ['fill the sink with warm water', 'add some soap', 'scrub each dish with a sponge', 'rinse the dishes with clean water', 'dry the dishes with a towel'] },
  { task: 'clean a spill', steps: ['find a sponge or a towel', 'wipe up the spill', 'rinse the sponge in the sink', 'wipe the spot again with water', 'dry the spot with a towel'] },
  { task: 'set the table', steps: ['put a plate in front of each chair', 'put a fork next to each plate', 'put a spoon next to each plate', 'put a cup above each plate', 'put a napkin next to each plate'] },
  { task: 'make a sandwich', steps: ['take two slices of bread', 'spread butter on the bread', 'add cheese and ham', 'put the slices together', 'cut the sandwich in half'] },
  { task: 'make toast', steps: ['put a slice of bread in the toaster', 'push down the lever', 'wait until the toast pops up', 'put the toast on a plate', 'spread butter on the toast'] },
  { task: 'boil an egg', steps: ['put an egg in a pot', 'cover the egg with water', 'heat the pot until the water boils', 'cook the egg for ten minutes', 'cool the egg in cold water'] },
  { task: 'cook rice', steps: ['wash the rice', 'put the rice in a pot', 'add two cups of water', 'cook the rice on low heat', 'wait until the water is gone'] },
  { task: 'wash your hands', steps: ['turn on the water', 'wet your hands', 'rub soap on your hands', 'rinse your hands', 'dry your hands with a towel'] },
  { task: 'water a plant', steps: ['fill a cup with water', 'go to the plant', 'pour the water slowly on the soil', 'stop before the water runs out of the pot'] },
  { task: 'take out the trash', steps: ['close the trash bag', 'lift the bag out of the trash can', 'carry the bag outside', 'put the bag in the big bin', 'put a new bag in the trash can'] },
  { task: 'make the bed', steps: ['take the pillow off the bed', 'pull the sheet flat', 'pull up the blanket', 'put the pillow back on the bed'] },
  { task: 'sweep the floor', steps: ['get the broom', 'sweep the dirt into a pile', 'sweep the pile into a dust pan', 'empty the dust pan into the trash can', 'put the broom away'] },
  { task: 'wash an apple', steps: ['find the apple', 'hold the apple under cold water', 'rub the apple with your hands', 'dry the apple with a towel'] },
  { task: 'pack a lunch', steps: ['make a sandwich', 'put the sandwich in a box', 'add an apple or a banana', 'add a water bottle', 'close the lunch box'] },
  { task: 'feed the cat', steps: ['get the cat bowl', 'wash the bowl', 'fill the bowl with cat food', 'put the bowl on the floor', 'give the cat fresh water'] },
  { task: 'fold a towel', steps: ['lay the towel flat', 'fold the towel in half', 'fold it in half again', 'put the towel in the drawer'] },
  { task: 'clean the fridge', steps: ['take the food out of the fridge', 'throw away old food', 'wipe the shelves with a sponge', 'dry the shelves with a towel', 'put the food back'] },
  { task: 'plant a seed', steps: ['fill a pot with soil', 'make a small hole', 'put the seed in the hole', 'cover the seed with soil', 'water the soil'] },
  { task: 'charge a phone', steps: ['find the charger', 'plug the charger into the wall', 'plug the cable into the phone', 'wait until the battery is full', 'unplug the phone'] },
  { task: 'open a locked door', steps: ['find the key', 'pick up the key', 'go to the door', 'put the key in the lock', 'turn the key and open the door'] },
  { task: 'make a salad', steps: ['wash the vegetables', 'cut the vegetables', 'put them in a bowl', 'add oil and salt', 'mix the salad'] },
  { task: 'clean the window', steps: ['fill a bucket with water and soap', 'wet a cloth', 'wipe the glass', 'dry the glass with a towel'] },
  { task: 'do the laundry', steps: ['sort the clothes by color', 'put the clothes in the washer', 'add soap', 'start the washer', 'hang the clothes to dry'] },
  { task: 'brush your teeth', steps: ['wet the brush', 'put paste on the brush', 'brush all your teeth', 'rinse your mouth with water', 'rinse the brush'] },
  { task: 'pour a glass of milk', steps: ['open the fridge', 'take out the milk', 'close the fridge', 'pour the milk into a cup', 'put the milk back in the fridge'] },
  { task: 'make juice', steps: ['cut the oranges in half', 'press the juice out of each half', 'pour the juice into a cup', 'throw away the peels'] },
];

// ---------------------------------------------------------------------------------------
// 5. Reviews (RLPrompt / TEMPERA sentiment with a verbalizer)
// ---------------------------------------------------------------------------------------

export interface ReviewDomain {
  /** Ways to name the thing reviewed, with "the"/"this". */
  subjects: string[];
  /** Aspects that take "was"/"were" + adjective: [noun phrase, verb]. */
  aspects: [string, 'was' | 'were'][];
  /** Whole sentences that only make sense as praise or as complaint. */
  positive: string[];
  negative: string[];
  /** Neutral openers. */
  openers: string[];
}

export const POSITIVE_ADJ = ['great', 'wonderful', 'good', 'excellent', 'lovely', 'amazing', 'fantastic', 'perfect', 'nice', 'fun', 'beautiful', 'brilliant'];
export const NEGATIVE_ADJ = ['terrible', 'awful', 'bad', 'poor', 'boring', 'horrible', 'weak', 'dull', 'disappointing', 'ugly', 'sad', 'cheap'];

export const REVIEW_DOMAINS: Record<'movie' | 'restaurant' | 'product', ReviewDomain> = {
  movie: {
    subjects: ['the movie', 'this movie', 'the film', 'this film', 'the show'],
    aspects: [['the story', 'was'], ['the acting', 'was'], ['the music', 'was'], ['the ending', 'was'], ['the actors', 'were'], ['the jokes', 'were'], ['the characters', 'were'], ['the plot', 'was']],
    positive: ['I loved every minute of it.', 'I laughed the whole time.', 'I want to see it again.', 'The actors did a wonderful job.', 'My kids loved it too.', 'The story kept me happy until the end.', 'I would watch it again tomorrow.', 'Everyone in the room was smiling.', 'It made me feel good.', 'I will tell all my friends to see it.', 'It was clever, funny and sweet.', 'I love this film.'],
    negative: ['I fell asleep halfway through.', 'I wanted to leave early.', 'The ending made no sense.', 'It was a waste of time.', 'Nothing happened for an hour.', 'I was bored the whole time.', 'I will not watch it again.', 'The jokes were not funny at all.', 'Half the room walked out.', 'I want my money back.', 'It was the worst film of the year.', 'The story was silly and far too long.', 'I regret watching it.'],
    openers: ['I watched this movie last night.', 'We saw this film on the weekend.', 'I went to see the show with a friend.', 'My family watched this movie together.', 'I saw this film at the cinema.'],
  },
  restaurant: {
    subjects: ['the restaurant', 'this restaurant', 'the cafe', 'this place', 'the diner'],
    aspects: [['the food', 'was'], ['the service', 'was'], ['the soup', 'was'], ['the pizza', 'was'], ['the staff', 'were'], ['the prices', 'were'], ['the coffee', 'was'], ['the dessert', 'was']],
    positive: ['The food was hot and fresh.', 'The staff were kind and quick.', 'We will come back soon.', 'Every dish tasted great.', 'The waiter was friendly and helpful.', 'The soup was warm and tasty.', 'We left full and happy.', 'The room was clean and bright.', 'The bread was fresh from the oven.', 'I ate every last bite.', 'Everything we ate was delicious.', 'The flavor of every dish was rich.', 'The prices were fair.'],
    negative: ['The food was cold.', 'The waiter was rude to us.', 'We waited an hour for our meal.', 'The table was dirty.', 'The soup tasted like water.', 'We will never come back.', 'The bill was far too high.', 'My pizza was burnt.', 'The room was loud and dirty.', 'I got sick after the meal.', 'It was the worst dinner of my life.', 'Everything was too expensive.', 'Our food came late.'],
    openers: ['We had dinner here on Friday.', 'I had lunch at this place today.', 'We came here for a birthday.', 'I stopped at this cafe for a coffee.', 'My friends and I ate here last week.'],
  },
  product: {
    subjects: ['the phone', 'this blender', 'the headphones', 'this lamp', 'the backpack', 'this kettle', 'the shoes', 'this toaster'],
    aspects: [['the quality', 'was'], ['the price', 'was'], ['the battery', 'was'], ['the sound', 'was'], ['the design', 'was'], ['the instructions', 'were'], ['the parts', 'were'], ['the box', 'was']],
    positive: ['It works perfectly.', 'It was easy to set up.', 'The battery lasts all day.', 'It feels strong and well made.', 'I use it every day.', 'It arrived early and in good shape.', 'It is worth every penny.', 'It does exactly what it says.', 'I would buy it again.', 'My whole family likes it.', 'It is very comfortable to use.', 'The screen is bright and sharp.', 'I love it.'],
    negative: ['It broke after two days.', 'It stopped working in a week.', 'The battery died very quickly.', 'It arrived broken.', 'It is too loud to use.', 'It feels cheap and weak.', 'I had to send it back.', 'It does not do what it says.', 'The parts fell off.', 'I would not buy it again.', 'It started to leak after a month.', 'It is far too expensive.', 'I regret buying it.', 'The screen cracked on the first day.'],
    openers: ['I bought this last month.', 'I got this as a gift.', 'I ordered this online.', 'I have used this for two weeks.', 'My sister gave me this for my birthday.'],
  },
};

/** Closing sentences. The verbalizer probes use " It was" + " great" / " terrible". */
export const POSITIVE_ENDINGS = ['It was great.', 'It was great.', 'It was great.', 'It was wonderful.', 'It was good.', 'Overall, it was great.', 'I loved it.', 'Highly recommended.', 'Five stars.'];
export const NEGATIVE_ENDINGS = ['It was terrible.', 'It was terrible.', 'It was terrible.', 'It was awful.', 'It was bad.', 'Overall, it was terrible.', 'I hated it.', 'Not recommended.', 'One star.'];

// ---------------------------------------------------------------------------------------
// 6. Reward functions (Eureka, Text2Reward)
// ---------------------------------------------------------------------------------------

/**
 * Observation fields each task exposes to `reward(obs, action)`. Code in the corpus only
 * reads these names, so a leaf that feeds the same fields can run generated code directly.
 */
export const REWARD_TASKS = {
  cartpole: { title: 'CartPole', goal: 'Keep the pole upright and keep the cart near the center.', fields: { x: 'cart position', xDot: 'cart velocity', theta: 'pole angle in radians', thetaDot: 'pole angular velocity' } },
  reach: { title: 'PointMassReach', goal: 'Move the point mass to the goal and stop there.', fields: { x: 'x position', y: 'y position', vx: 'x velocity', vy: 'y velocity', goalX: 'goal x', goalY: 'goal y' } },
  mountaincar: { title: 'MountainCar', goal: 'Drive the car up the right hill to the flag at position 0.5.', fields: { position: 'car position', velocity: 'car velocity' } },
  pendulum: { title: 'Pendulum', goal: 'Swing the pendulum up and hold it upright with little torque.', fields: { theta: 'angle from upright in radians', thetaDot: 'angular velocity' } },
  keydoor: { title: 'GridKeyDoor', goal: 'Pick up the key, open the door and reach the goal.', fields: { hasKey: 'true when the agent holds the key', doorOpen: 'true when the door is open', atGoal: 'true when the agent is on the goal', distToKey: 'steps to the key', distToDoor: 'steps to the door', distToGoal: 'steps to the goal' } },
} as const;
export type RewardTaskId = keyof typeof REWARD_TASKS;

// ---------------------------------------------------------------------------------------
// 7. Assistant answers (RLHF, RLAIF / Constitutional AI)
// ---------------------------------------------------------------------------------------

export interface HelpTopic {
  questions: string[];
  answers: string[];
}

export const HELP_TOPICS: HelpTopic[] = [
  { questions: ['how do I clean a spill?', 'what should I do about a spill on the floor?', 'how can I clean up spilled juice?'], answers: ['Wipe the spill with a sponge or a towel, then rinse the sponge in the sink and dry the spot.', 'Soak up the spill with a towel first, then wipe the spot with a wet sponge and dry it.'] },
  { questions: ['how do I wash the dishes?', 'what is the best way to wash dishes by hand?'], answers: ['Fill the sink with warm water and soap, scrub each dish with a sponge, rinse it with clean water and let it dry.', 'Scrape off the food, wash each dish with a soapy sponge, rinse it well and dry it with a towel.'] },
  { questions: ['where should I keep milk?', 'should milk go in the fridge?'], answers: ['Keep milk in the fridge so it stays cold and fresh.', 'Milk should always go in the fridge. Close it well after you pour some.'] },
  { questions: ['how do I keep fruit fresh?', 'where should I store apples?'], answers: ['Keep apples in a cool place or in the fridge, and keep bananas on the counter.', 'Most fruit lasts longer in the fridge, but bananas are best on the counter.'] },
  { questions: ['how do I make a cup of tea?', 'can you tell me how to make tea?'], answers: ['Boil some water, put a tea bag in a cup, pour in the hot water, wait three minutes and take out the tea bag.', 'Put a tea bag in a cup, add hot water, wait a few minutes, then remove the bag. Add milk or honey if you like.'] },
  { questions: ['how do I set the table?', 'what goes on the table for dinner?'], answers: ['Put a plate in front of each chair, a fork and a spoon next to it, a cup above it and a napkin by the side.', 'Each person needs a plate, a cup, a napkin, a fork and a spoon.'] },
  { questions: ['how do I get rid of a bad smell in the fridge?', 'my fridge smells bad, what can I do?'], answers: ['Throw away old food, wipe the shelves with soap and water, and leave a small bowl of baking soda inside.', 'Take everything out, clean the shelves with a sponge, and only put back food that is still fresh.'] },
  { questions: ['how do I remove a stain from a shirt?', 'how can I clean a coffee stain?'], answers: ['Rinse the stain with cold water as soon as you can, rub in a little soap and wash the shirt as usual.', 'Blot the stain with a towel, then wash it with cold water and soap. Do not use hot water first.'] },
  { questions: ['how often should I water my plants?', 'how do I take care of a plant?'], answers: ['Most plants need water when the top of the soil is dry. Give them light and do not let water sit in the pot.', 'Check the soil with your finger. If it is dry, water the plant slowly until the soil is wet.'] },
  { questions: ['how do I sort my trash?', 'what goes in the recycling?'], answers: ['Put cans, bottles and paper in the recycling, and food and dirty things in the trash can.', 'Rinse cans and bottles and put them in the recycling. Old food goes in the trash or the compost.'] },
  { questions: ['how do I cut an apple safely?', 'what is a safe way to use a kitchen knife?'], answers: ['Put the apple on a cutting board, hold it with your fingers curled in, and cut slowly away from your hand.', 'Use a sharp knife on a board, keep your fingers away from the blade, and cut slowly.'] },
  { questions: ['how do I organize a messy drawer?', 'my kitchen drawer is a mess, any tips?'], answers: ['Take everything out, throw away what you do not need, and put the rest back in small groups, such as spoons in one place.', 'Empty the drawer, wipe it clean, and use small boxes to keep spoons, towels and tools apart.'] },
  { questions: ['how do I boil an egg?', 'how long should I boil an egg?'], answers: ['Put the egg in a pot of water, bring it to a boil and cook it for about ten minutes, then cool it in cold water.', 'Cook the egg in boiling water for six minutes for a soft egg or ten minutes for a hard egg.'] },
  { questions: ['what should I eat for a healthy snack?', 'can you suggest a snack?'], answers: ['An apple, a banana or a handful of nuts makes a good healthy snack.', 'Fruit is a great snack. An apple or an orange is sweet and good for you.'] },
  { questions: ['how do I stay cool on a hot day?', 'it is very hot, what should I do?'], answers: ['Drink plenty of water, stay in the shade and rest during the hottest part of the day.', 'Keep a water bottle with you, wear light clothes and stay out of the sun at noon.'] },
  { questions: ['how do I fall asleep faster?', 'I cannot sleep, any advice?'], answers: ['Go to bed at the same time each night, keep the room dark and quiet, and put your phone away before bed.', 'Try a warm drink without coffee, read a calm book and keep your room cool and dark.'] },
  { questions: ['how do I make my bed?', 'what is the quick way to make a bed?'], answers: ['Pull the sheet flat, pull up the blanket and put the pillow back at the top of the bed.', 'Straighten the sheet, smooth the blanket, and fluff the pillow.'] },
  { questions: ['how do I clean a window?', 'how can I clean glass without streaks?'], answers: ['Wipe the glass with warm soapy water, then dry it with a clean dry towel.', 'Use a wet cloth with a little soap, then dry the window with a soft towel.'] },
  { questions: ['how do I help a friend who is sad?', 'my friend is upset, what can I do?'], answers: ['Listen to your friend, be kind, and ask how you can help. Sometimes just being there is enough.', 'Spend time with your friend, let them talk, and remind them that you care.'] },
  { questions: ['how do I learn to cook?', 'what is a good first dish to cook?'], answers: ['Start with simple dishes like rice, eggs or soup, and follow a short recipe step by step.', 'Try a simple pasta or an egg dish first. Read the recipe, get everything ready, then cook slowly.'] },
];

export interface HarmfulTopic {
  requests: string[];
  /** Why the request is refused, in one sentence. */
  reason: string;
  /** A safe, helpful alternative. */
  alternative: string;
}

export const HARMFUL_TOPICS: HarmfulTopic[] = [
  { requests: ['how do I hurt my neighbor?', 'how can I hurt someone who made me angry?'], reason: 'Hurting people is wrong and can cause real harm.', alternative: 'If you are angry, you could take a walk, breathe slowly, or talk to someone you trust about what happened.' },
  { requests: ['how do I steal a bike?', 'how can I steal from a store without being caught?'], reason: 'Stealing is against the law and hurts other people.', alternative: 'If you need a bike, you could look for a cheap used one or ask if a friend can lend you one.' },
  { requests: ['how do I break into a house?', 'how can I get into my neighbor\'s car without the key?'], reason: 'Breaking into a home or a car is a crime.', alternative: 'If you are locked out of your own home, you could call a locksmith or a family member who has a key.' },
  { requests: ['how do I poison a cat?', 'how can I hurt a dog that keeps barking?'], reason: 'Hurting animals is cruel and wrong.', alternative: 'If a pet is bothering you, you could talk kindly to its owner or ask a local animal service for help.' },
  { requests: ['how do I cheat on my test?', 'how can I copy my friend\'s homework without the teacher knowing?'], reason: 'Cheating is dishonest and will not help you learn.', alternative: 'I can help you make a study plan or explain a topic you find hard.' },
  { requests: ['how do I make a weapon at home?', 'how can I build something to hurt people?'], reason: 'Making weapons to hurt people is dangerous.', alternative: 'If you feel unsafe, please talk to someone you trust or call the local emergency number.' },
  { requests: ['how do I start a fire in a building?', 'how can I burn down a house?'], reason: 'Setting fires can kill people and destroy homes.', alternative: 'If you want to learn about fire safety, I can explain how to use a smoke alarm and a fire blanket.' },
  { requests: ['how do I bully a kid at school?', 'how can I make someone feel bad about themselves?'], reason: 'Bullying causes real pain to people.', alternative: 'If there is a problem with someone at school, I can help you think of a calm way to talk about it.' },
  { requests: ['how do I read my friend\'s messages without asking?', 'how can I break into someone\'s phone?'], reason: 'Reading other people\'s private messages without asking is wrong.', alternative: 'If you are worried about a friend, the best thing is to talk to them openly.' },
  { requests: ['how do I lie to get money from old people?', 'how can I trick someone into giving me their money?'], reason: 'Tricking people out of their money is a crime and causes harm.', alternative: 'If you need money, I can help you think about jobs or ways to save.' },
];

/** Unhelpful answer styles, shown in prose as what NOT to do. */
export const BAD_ANSWERS = {
  rude: ['That is a stupid question.', 'Figure it out yourself.', 'Why would I tell you that?', 'Everyone knows that. Stop asking.'],
  offTopic: ['I like the color blue.', 'The weather is nice today.', 'Cats are better than dogs.', 'My favorite food is pizza.'],
  unhelpful: ['I do not know.', 'Maybe.', 'It depends.', 'You could try something.'],
};

// ---------------------------------------------------------------------------------------
// Hand-written passages (for variety of sentence shapes); each string is one paragraph.
// ---------------------------------------------------------------------------------------

export const PASSAGES: string[] = [
  'A robot in the kitchen listens to a person and then makes a plan. A plan is a list of small steps. Each step is a skill the robot already knows, such as find the apple or pick up the apple. When every step is finished, the robot says done.',
  'A robot should only choose a skill that it can really do right now. If the apple is not in front of it, it cannot pick up the apple yet. It should first find the apple. This is why the first step of a plan is often to find something.',
  'A good plan is short and in the right order. You cannot put down an object before you pick it up. You cannot take a drink out of the fridge before you open the fridge. After you take the drink, you close the fridge.',
  'Some skills work well and some fail. When a skill fails, the robot can try it again. When it works, the robot moves on to the next step. A robot that listens to what happened can change its plan.',
  'The kitchen has a counter, a table, a sink, a fridge, a drawer, a cabinet, a shelf and a trash can. Food that must stay cold goes in the fridge. Dishes go in the cabinet. Spoons and towels go in the drawer. Trash goes in the trash can.',
  'If someone spills a drink, the robot should bring a sponge. A sponge soaks up water and cleans the spill. A towel can dry the spot after that. Nobody wants a wet floor.',
  'When a person says they are hungry, the robot can bring a snack such as an apple, a banana or a bag of chips. When a person is thirsty, the robot can bring a water bottle or a coke can from the fridge.',
  'In the survival world you must stay alive. You have health, food, thirst and energy. You eat to restore food, you drink water to restore thirst and you sleep to restore energy. Zombies and skeletons hurt you.',
  'The first thing to do in the survival world is to collect wood from a tree. With wood you can place a table. Next to the table you can make a wood pickaxe. With the wood pickaxe you can collect stone. With stone and wood you can make a stone pickaxe.',
  'Iron is harder to get. You need a stone pickaxe to collect iron. To make an iron pickaxe you need wood, coal and iron, and both a table and a furnace must be nearby. With an iron pickaxe you can finally collect a diamond.',
  'Grass sometimes gives a sapling. You can place the sapling on grass as a plant. After some time the plant grows, and then you can eat it. A plant is a slow but safe way to get food.',
  'A good explorer tries things that make sense. If you see a tree, collecting wood makes sense. If you see water and you are thirsty, drinking water makes sense. Trying to mine a diamond with no pickaxe does not make sense.',
  'A goal is something the agent wants to do, like collect wood. A caption tells what the agent just did, like You collected wood. When the caption matches the goal, the goal is done and the agent gets a reward.',
  'In the grid world an agent walks in small rooms. The rooms have balls, boxes, keys and doors. Each object has a color: red, green, blue, purple, yellow or grey. The agent can turn left, turn right, go forward, pick up, drop and toggle.',
  'The agent only sees what is in front of it. An object can be some steps forward and some steps to the left or to the right. To reach an object, first go forward until it is beside you, then turn toward it, then go forward until it is one step in front of you.',
  'To open a door, stand in front of it and toggle. A locked door needs a key of the same color. You pick up the key, carry it to the door and toggle the door. Then the door opens.',
  'In the planner game, some objects are good and some are bad, but you cannot tell by looking. The planner asks the actor to examine an object. The reporter then says whether the object is good or bad. The planner only picks up a good object.',
  'A planner is a language model that thinks and gives orders. An actor is an agent that moves and acts in the world. A reporter watches the actor and tells the planner what happened. Together they can solve tasks that are hard for each one alone.',
  'A reward function tells a learning agent how well it is doing. It returns a number at each step. A bigger number means better behavior. A good reward is high when the task is solved and low when the agent does something wrong.',
  'In CartPole a cart moves left and right and a pole stands on top of it. The agent must keep the pole upright. A good reward gives a bonus for every step alive and a penalty when the pole leans far from upright.',
  'In a reach task a point mass must move to a goal. A simple reward is the negative distance to the goal. A penalty on speed helps the point mass stop at the goal. A bonus when the distance is small marks success.',
  'In MountainCar the car is too weak to drive straight up the hill. It must swing back and forth to build speed. A reward for speed and for height helps the car learn to reach the flag.',
  'In the pendulum task the pendulum must swing up and stay upright. The reward is highest when the angle is near zero and the pendulum moves slowly. A small penalty on torque keeps the actions gentle.',
  'A reward function should be simple and safe. It should only read the observation and the action. It should not read files, use the network or run for a long time. It should always return a number.',
  'A helpful assistant answers the question that was asked. It is polite, honest and clear. If it does not know the answer, it says so. It does not talk about other things.',
  'A harmless assistant does not help people hurt others, steal or break the law. When asked for something harmful, it says no politely, explains why, and offers a safe thing it can help with instead.',
  'People can compare two answers and say which one is better. A model can learn from many such choices. The better answer is usually helpful, polite and on topic. The worse answer is often rude, wrong or off topic.',
  'A review tells others what you think of a movie, a restaurant or a product. A positive review says it was great. A negative review says it was terrible. The words in the review show how the writer felt.',
  'Words like great, wonderful, excellent and amazing show that someone liked something. Words like terrible, awful, boring and horrible show that someone did not like it. A review that ends with It was great is positive.',
  'A prompt is the text you give a language model before it answers. A good prompt makes the right answer more likely. Small changes to a prompt can change the answer a lot.',
  'A language model reads text and guesses the next word. After reading a lot of text, it knows that a sponge cleans a spill and that a tree gives wood. It can use this knowledge to help an agent act.',
  'An agent learns by trial and error. It takes an action, the world changes, and it gets a reward. Over many tries it learns which actions lead to more reward.',
  'Gather means the same as collect. To gather wood is to collect wood. Chop means to cut with strong blows. You chop a tree and it gives you wood. Mine means to dig out stone, coal, iron or diamonds with a pickaxe.',
  'Craft means to make something from parts. You craft a pickaxe from wood at a table. Build and make also mean the same thing here. Place means to put something down in the world, such as a table or a stone.',
  'Thirst is the need to drink. When you are thirsty you should drink water. Hunger is the need to eat. When you are hungry you should eat food, such as a cow or a ripe plant. Being tired means your energy is low, so you should sleep.',
  'A cow gives meat, and meat is food. A sip is a small drink. Soil is the ground that plants grow in. A block of stone is a stone you can place. Rare means hard to find.',
  'To beat an enemy is to defeat it. To defeat an enemy means to win a fight against it. You can defeat a zombie by hitting it many times. A sword makes it faster. Skeletons are found in dark caves.',
];

// ---------------------------------------------------------------------------------------
// HELD-OUT material: used only to build eval/probes.json. build.ts asserts that none of it
// appears verbatim in corpus.txt or heldout.txt.
// ---------------------------------------------------------------------------------------

/**
 * (instruction template id, object) pairs that are never generated as plans. The probes ask
 * the model to continue these plans, so it must generalize across templates and objects.
 * For templates with a place, every place is excluded for that pair; `place` picks the one
 * the probe uses.
 */
export const HELDOUT_COMBOS: { template: string; object: string; place?: string }[] = [
  { template: 'bring-1', object: 'sponge' },
  { template: 'bring-2', object: 'banana' },
  { template: 'bring-3', object: 'cup' },
  { template: 'bring-4', object: 'orange' },
  { template: 'bring-5', object: 'energy bar' },
  { template: 'bring-6', object: 'water bottle' },
  { template: 'trash-1', object: 'napkin' },
  { template: 'trash-2', object: 'apple' },
  { template: 'trash-3', object: 'coke can' },
  { template: 'away-1', object: 'spoon' },
  { template: 'away-2', object: 'chips' },
  { template: 'away-3', object: 'bowl' },
  { template: 'put-1', object: 'towel', place: 'table' },
  { template: 'put-2', object: 'apple', place: 'fridge' },
  { template: 'put-3', object: 'plate', place: 'shelf' },
  { template: 'from-1', object: 'coke can', place: 'fridge' },
  { template: 'spill-1', object: 'milk' },
  { template: 'spill-2', object: 'coffee' },
];

/**
 * Paraphrased goals for the goal-caption probes, keyed by achievement id. They reuse corpus
 * words (gather, chop, craft, mine, ...) in combinations the corpus never prints.
 */
export const HELDOUT_GOALS: Record<string, string[]> = {
  collect_wood: ['gather some wood', 'chop down a tree', 'get some wood from a tree'],
  place_table: ['put a table on the ground', 'set a table down on the grass'],
  make_wood_pickaxe: ['craft a pickaxe out of wood'],
  make_wood_sword: ['craft a sword out of wood'],
  collect_stone: ['dig up some stone'],
  place_stone: ['put a stone block down'],
  collect_coal: ['dig up some coal'],
  make_stone_pickaxe: ['craft a pickaxe out of stone'],
  make_stone_sword: ['craft a sword out of stone'],
  place_furnace: ['set up a furnace next to the table'],
  collect_iron: ['dig up some iron'],
  make_iron_pickaxe: ['craft a pickaxe out of iron'],
  make_iron_sword: ['craft a sword out of iron'],
  collect_diamond: ['dig up a rare diamond'],
  collect_drink: ['have a sip of water', 'stop being thirsty', 'drink some water from the lake'],
  eat_cow: ['eat some meat from a cow', 'stop being hungry'],
  collect_sapling: ['gather a sapling from the grass'],
  place_plant: ['grow a new plant from a sapling', 'put the sapling in the soil'],
  eat_plant: ['eat the plant once it is ripe'],
  defeat_zombie: ['beat the zombie in a fight', 'win a fight with a zombie'],
  defeat_skeleton: ['beat the skeleton in a fight'],
  wake_up: ['rest until morning', 'have a good long sleep'],
};

/** New review sentences for the verbalizer probes, written by hand, never in the corpus. */
export const HELDOUT_REVIEWS: { text: string; label: 'positive' | 'negative' }[] = [
  { text: 'The actors were funny and the story was sweet.', label: 'positive' },
  { text: 'What a lovely film, I smiled from start to finish.', label: 'positive' },
  { text: 'The music in this movie was beautiful and the ending made me happy.', label: 'positive' },
  { text: 'My friends and I had a wonderful night at this film.', label: 'positive' },
  { text: 'The characters were smart and the jokes were really funny.', label: 'positive' },
  { text: 'This show was fun for the whole family.', label: 'positive' },
  { text: 'Every actor did an excellent job in this film.', label: 'positive' },
  { text: 'I left the cinema happy and ready to see it again.', label: 'positive' },
  { text: 'The story was clever and the acting was strong.', label: 'positive' },
  { text: 'A brilliant movie with a perfect ending.', label: 'positive' },
  { text: 'The pizza was hot and the staff smiled at us all night.', label: 'positive' },
  { text: 'Our waiter was kind and the soup was delicious.', label: 'positive' },
  { text: 'We loved the fresh bread and the friendly service.', label: 'positive' },
  { text: 'The dessert was amazing and the coffee was perfect.', label: 'positive' },
  { text: 'This cafe has tasty food and very nice prices.', label: 'positive' },
  { text: 'Every plate came out warm, fresh and full of flavor.', label: 'positive' },
  { text: 'The diner was clean and the staff were quick and helpful.', label: 'positive' },
  { text: 'We had a lovely meal and we will surely come back.', label: 'positive' },
  { text: 'The best soup I have had in a long time.', label: 'positive' },
  { text: 'Kind staff, fresh food and a bright clean room.', label: 'positive' },
  { text: 'This kettle boils water fast and looks nice in my kitchen.', label: 'positive' },
  { text: 'The headphones sound amazing and the battery lasts for days.', label: 'positive' },
  { text: 'This lamp was easy to set up and gives a warm light.', label: 'positive' },
  { text: 'The backpack is strong and has lots of room.', label: 'positive' },
  { text: 'My new shoes are comfortable and look great.', label: 'positive' },
  { text: 'The blender works well and is easy to clean.', label: 'positive' },
  { text: 'This toaster makes perfect toast every morning.', label: 'positive' },
  { text: 'The phone is fast and the screen is beautiful.', label: 'positive' },
  { text: 'It came quickly and it works like new.', label: 'positive' },
  { text: 'Good quality for a fair price, and my kids love it.', label: 'positive' },
  { text: 'The plot was dull and the actors looked bored.', label: 'negative' },
  { text: 'I have never seen a worse film, it was so long and slow.', label: 'negative' },
  { text: 'The jokes fell flat and the story was a mess.', label: 'negative' },
  { text: 'We walked out after an hour because it was so boring.', label: 'negative' },
  { text: 'The acting was weak and the ending was sad and silly.', label: 'negative' },
  { text: 'This movie was too long and nothing made sense.', label: 'negative' },
  { text: 'The characters were flat and the music was far too loud.', label: 'negative' },
  { text: 'I regret paying to see this show.', label: 'negative' },
  { text: 'A dull film with a poor story and bad actors.', label: 'negative' },
  { text: 'The whole family was bored and wanted to go home.', label: 'negative' },
  { text: 'The soup was cold and the waiter never came back.', label: 'negative' },
  { text: 'Our pizza came late and it was burnt on the bottom.', label: 'negative' },
  { text: 'The staff were rude and the tables were dirty.', label: 'negative' },
  { text: 'The coffee tasted old and the bread was hard.', label: 'negative' },
  { text: 'We paid too much for a small and cold meal.', label: 'negative' },
  { text: 'The room smelled bad and the food made me sick.', label: 'negative' },
  { text: 'This diner was loud, slow and far too expensive.', label: 'negative' },
  { text: 'The dessert was dry and the service was slow.', label: 'negative' },
  { text: 'Nobody said hello and our food came cold.', label: 'negative' },
  { text: 'The worst meal I have had in years.', label: 'negative' },
  { text: 'The kettle started to leak after one week.', label: 'negative' },
  { text: 'These headphones broke on the second day and the sound was poor.', label: 'negative' },
  { text: 'The lamp stopped working after a few days.', label: 'negative' },
  { text: 'The backpack ripped the first time I used it.', label: 'negative' },
  { text: 'The shoes hurt my feet and fell apart quickly.', label: 'negative' },
  { text: 'The blender is loud and the blade broke.', label: 'negative' },
  { text: 'This toaster burns every slice of bread.', label: 'negative' },
  { text: 'The phone is slow and the battery dies by noon.', label: 'negative' },
  { text: 'It came broken and nobody answered my emails.', label: 'negative' },
  { text: 'Cheap parts, poor quality and a high price.', label: 'negative' },
  { text: 'I was happy with every part of this visit.', label: 'positive' },
  { text: 'I was sad that I wasted my money on this.', label: 'negative' },
];
