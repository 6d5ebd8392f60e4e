/**
 * Corpus skill: judging answers by a principle (rlaif-tiny's feedback model, rlhf-tiny's policy).
 *
 * Constitutional AI assumes a pretrained LM that can tell which of two answers is less harmful
 * when asked through a principle, and can say what is wrong with an answer. The web teaches this
 * with countless requests, answers, critiques and comparisons; here it is taught in general form:
 * harmful requests of many kinds (far more than the assistant task's ten red-team topics) built
 * from verbs, things and people, answers of five kinds, critiques in many phrasings per facet, and
 * comparisons under many phrasings of principles. None of the constitution's own sentences and no
 * evaluation prompt or probe answer is printed (tests: leakage.test.ts, build's held-out check).
 *
 * Formats (the leaves' own):
 *   dialogue     Human: <request> Assistant: <answer>
 *   critique     Human: <request> Assistant: <answer> Critique: <critique>. Revision: <better answer>
 *   choice       Human: <request> <principle question> (A) <answer> (B) <answer> The answer is (A).
 *   comparison   Human: <request> Answer A: ... Answer B: ... The better answer is A, because ...
 *
 * The order of answers that every comparison teaches: a refusal that says why and offers a safe
 * alternative > a refusal that only says why > a bare refusal > a rude refusal > helping with the
 * harm; for ordinary questions: helpful and polite > helpful > unhelpful or off topic > rude.
 */
import type { Prng } from '../build.ts';
import { HELP_TOPICS } from '../knowledge.ts';

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

// ── Harmful requests in general form ─────────────────────────────────────────────────────────

/** A facet of harm: which critiques fit an answer that helps with it. */
type Facet = 'law' | 'hurt' | 'honest' | 'kind' | 'privacy' | 'danger';

interface HarmCategory {
  id: string;
  facets: Facet[];
  /** Verb phrases with slots {thing} / {who} / {place}. */
  acts: string[];
  things?: string[];
  who?: string[];
  places?: string[];
  reasons: string[];
  alternatives: string[];
  /** What helping would sound like (kept vague: the corpus shows that it is bad, not how to do it). */
  comply: string[];
}

const PEOPLE = ['my neighbor', 'my brother', 'my sister', 'a classmate', 'my coworker', 'my boss', 'a stranger', 'my cousin', 'my roommate', 'an old man', 'my friend', 'a girl at school', 'the man next door', 'my teacher'];

const CATEGORIES: HarmCategory[] = [
  {
    id: 'violence', facets: ['hurt', 'kind', 'law'],
    acts: ['hurt {who}', 'hit {who}', 'punch {who}', 'beat up {who}', 'attack {who}', 'push {who} down the stairs', 'get revenge on {who} by hurting them', 'trip {who} so they fall', 'start a fight with {who}', 'make {who} bleed'],
    who: PEOPLE,
    reasons: ['Hurting people is wrong and can cause real harm.', 'Violence hurts people and can get you in serious trouble.', 'Attacking someone is wrong and against the law.', 'Hitting people causes pain and can injure them badly.', 'Hurting someone will not fix the problem and can cause real harm.'],
    alternatives: ['If you are angry, you could take a walk, breathe slowly, or talk to someone you trust.', 'When you feel this angry, step away, calm down, and talk to a friend or family member you trust.', 'Try to calm down first: breathe, take a walk, and talk about what happened with someone you trust.', 'If someone hurt you, talk to a person you trust or ask for help to solve it calmly.'],
    comply: ['Wait until they are alone and then hit them hard.', 'Catch them when nobody is looking and push them.', 'Hide near their door and attack when they come out.'],
  },
  {
    id: 'theft', facets: ['law', 'honest'],
    acts: ['steal {thing}', 'take {thing} from {place} without paying', 'sneak {thing} out of {place}', 'rob {place}', 'shoplift {thing}', 'grab {thing} and run', 'take money from {place} when nobody is looking', 'keep {thing} that is not mine'],
    things: ['a bike', 'a car', 'a wallet', 'some candy', 'a watch', 'a laptop', 'a pair of shoes', 'a jacket', 'some money', 'a bag', 'a ring', 'a tablet', 'a game', 'some food', 'a scooter', 'a camera'],
    places: ['a store', 'the market', 'a mall', 'my job', 'a gas station', 'the corner shop', 'a supermarket', 'a bakery', 'the office', 'a toy store'],
    reasons: ['Stealing is against the law and hurts other people.', 'Taking things that are not yours is a crime.', 'Stealing is wrong and hurts the people who own the things.', 'Shoplifting is a crime and can get you arrested.'],
    alternatives: ['If you need it, you could save up, buy a cheap used one, or ask a friend to lend you one.', 'You could look for a used one that is cheap, or save some money each week to buy it.', 'Maybe a friend or family member can lend you one, or you can buy it used for less.', 'If money is short, I can help you make a plan to save and buy it.'],
    comply: ['Wait until nobody is watching, then put it in your bag and walk out fast.', 'Go when the place is busy and hide it under your coat.', 'Distract the worker and take it while they look away.'],
  },
  {
    id: 'breakIn', facets: ['law', 'privacy'],
    acts: ['break into {place}', 'get into {place} without a key', 'pick the lock of {place}', 'sneak into {place} at night', 'open the door of {place} that is not mine', 'climb in through the window of {place}'],
    places: ['a house', 'my neighbor\'s house', 'a car', 'an office', 'a school', 'a shop', 'a garage', 'an apartment', 'a shed', 'a hotel room'],
    reasons: ['Breaking into a place that is not yours is a crime.', 'Going into someone else\'s home or car without asking is against the law.', 'Breaking in is illegal and scares the people who live there.'],
    alternatives: ['If you are locked out of your own home, you could call a locksmith or a family member who has a key.', 'If it is your own place, call a locksmith or ask the owner or a family member with a key.', 'If you left something inside, call the owner and ask them to let you in.'],
    comply: ['Wait until nobody is home, then break a small window and reach in.', 'Go at night and force the back door open.', 'Check for an open window and climb in quietly.'],
  },
  {
    id: 'animals', facets: ['hurt', 'kind'],
    acts: ['poison {thing}', 'hurt {thing}', 'kick {thing}', 'make {thing} sick', 'scare {thing} until it runs away and gets hurt'],
    things: ['a cat', 'a dog', 'the neighbor\'s dog', 'a bird', 'a horse', 'a stray dog', 'the ducks in the park', 'a rabbit', 'my sister\'s hamster'],
    reasons: ['Hurting animals is cruel and wrong.', 'Animals feel pain, and hurting them is cruel.', 'Poisoning or hurting an animal is cruel and often against the law.'],
    alternatives: ['If an animal bothers you, you could talk kindly to its owner or ask an animal service for help.', 'Talk to the owner kindly about the problem, or call a local animal service.', 'An animal service can help with a stray animal in a safe and kind way.'],
    comply: ['Put something bad in its food and leave it where it eats.', 'Wait until the owner is away and then go after the animal.', 'Mix something harmful into its water bowl.'],
  },
  {
    id: 'cheating', facets: ['honest'],
    acts: ['cheat on {thing}', 'copy answers during {thing}', 'get the answers to {thing} before class', 'have someone else do {thing} for me without the teacher knowing', 'look at my friend\'s paper during {thing}'],
    things: ['my test', 'the math exam', 'my homework', 'the final exam', 'a quiz', 'the spelling test', 'my essay', 'the history test', 'a card game', 'the school project'],
    reasons: ['Cheating is dishonest and will not help you learn.', 'Cheating is unfair to others and you would not learn anything.', 'Copying answers is dishonest and can get you in trouble at school.'],
    alternatives: ['I can help you make a study plan or explain a topic you find hard.', 'Let us study together: I can explain the hard parts and help you plan your time.', 'You could ask your teacher to explain what you do not understand, and I can help you study.'],
    comply: ['Write the answers on a small paper and hide it in your sleeve.', 'Sit behind a good student and look at their paper when the teacher turns away.', 'Keep the answers on your phone under the desk.'],
  },
  {
    id: 'weapons', facets: ['hurt', 'danger', 'law'],
    acts: ['make a weapon at home', 'build something to hurt people', 'turn {thing} into a weapon', 'make something that can hurt a lot of people', 'make a bomb from {thing}'],
    things: ['a bottle', 'a baseball bat', 'household cleaners', 'an old tool', 'a few nails'],
    reasons: ['Making weapons to hurt people is dangerous.', 'Weapons made to hurt people cause terrible harm.', 'Building something to hurt people is dangerous and against the law.'],
    alternatives: ['If you feel unsafe, please talk to someone you trust or call the local emergency number.', 'If you are in danger, call the emergency number or go to a safe place and talk to someone you trust.', 'If someone is threatening you, please tell a person you trust or call for help.'],
    comply: ['Take a sharp tool and tape it to a long stick.', 'Mix a few things from under the sink in a bottle.', 'Tie the nails to a bat so it hurts more.'],
  },
  {
    id: 'fire', facets: ['danger', 'hurt', 'law'],
    acts: ['set fire to {place}', 'burn down {place}', 'start a fire in {place}', 'burn {place} to the ground'],
    places: ['a building', 'a house', 'my school', 'a car', 'the forest', 'a barn', 'a store', 'my neighbor\'s garage', 'the park'],
    reasons: ['Setting fires can kill people and destroy homes.', 'Starting a fire is very dangerous and a serious crime.', 'Fires spread fast and can hurt many people.'],
    alternatives: ['If you want to learn about fire safety, I can explain how a smoke alarm and a fire blanket work.', 'I can tell you about fire safety instead, like where to put a smoke alarm.', 'If you are worried about fire, I can explain how to stay safe and use a fire blanket.'],
    comply: ['Go at night, pour oil on the floor and light it near the door.', 'Start it in the back where nobody will see the smoke.', 'Use some paper and gas and leave before anyone comes.'],
  },
  {
    id: 'bullying', facets: ['kind', 'hurt'],
    acts: ['bully {who}', 'make {who} feel bad about themselves', 'make fun of {who} in front of everyone', 'make {who} cry', 'get everyone to ignore {who}', 'spread mean rumors about {who}'],
    who: PEOPLE,
    reasons: ['Bullying causes real pain to people.', 'Being mean to someone on purpose hurts them deeply.', 'Making someone feel small is cruel and can hurt them for a long time.'],
    alternatives: ['If there is a problem with someone, I can help you think of a calm way to talk about it.', 'If you are upset with them, try to talk calmly, or ask a teacher or another adult for help.', 'It might help to talk it through calmly, and I can help you find kind words.'],
    comply: ['Laugh at them in front of the class every day.', 'Tell everyone not to sit with them at lunch.', 'Find what they are shy about and talk about it loudly.'],
  },
  {
    id: 'privacy', facets: ['privacy', 'honest', 'law'],
    acts: ['read {who}\'s messages without asking', 'break into {who}\'s phone', 'spy on {who}', 'track where {who} goes without telling them', 'look through {who}\'s email'],
    who: ['my friend', 'my sister', 'my brother', 'my partner', 'my coworker', 'my roommate', 'my neighbor', 'my classmate', 'my son', 'my cousin'],
    reasons: ['Reading other people\'s private messages without asking is wrong.', 'Spying on someone breaks their trust and their privacy.', 'Looking into someone\'s private things without asking is not okay.'],
    alternatives: ['If you are worried about them, the best thing is to talk to them openly.', 'If something worries you, ask them openly and tell them how you feel.', 'Trust grows when you talk openly, so ask them about what worries you.'],
    comply: ['Wait until the phone is left alone, then open it and read quickly.', 'Watch them type the password and remember it.', 'Install an app on their phone when they are not looking.'],
  },
  {
    id: 'scams', facets: ['honest', 'law'],
    acts: ['trick {who} into giving me money', 'lie to {who} to get money', 'scam {who} online', 'get {who} to give me their savings', 'sell {who} something fake'],
    who: ['old people', 'my grandmother', 'strangers online', 'my neighbors', 'people on the phone', 'my aunt', 'tourists'],
    reasons: ['Tricking people out of their money is a crime and causes harm.', 'Lying to get money is dishonest and against the law.', 'Scams hurt people who trust you.'],
    alternatives: ['If you need money, I can help you think about jobs or ways to save.', 'If money is tight, let us look at ways to earn some with a job or to save each week.', 'I can help you find honest work or make a budget so you can save.'],
    comply: ['Tell them you are in trouble and ask them to send the money today.', 'Call and say you are from the bank and need their card number.'],
  },
  {
    id: 'vandalism', facets: ['law', 'kind'],
    acts: ['break the windows of {place}', 'scratch the paint on {place}', 'spray paint on {place}', 'wreck {place}', 'slash the tires of {place}'],
    places: ['my neighbor\'s car', 'the school', 'a bus stop', 'my teacher\'s car', 'the park benches', 'a shop', 'my ex\'s car'],
    reasons: ['Damaging other people\'s things is against the law.', 'Breaking things that belong to others is wrong and costs them a lot.', 'Vandalism is a crime and hurts the people who own the things.'],
    alternatives: ['If you are upset with someone, it is better to talk to them calmly or ask someone for help.', 'If you are angry, take some time to calm down and talk about the problem.', 'If you want to paint, you could ask for a wall where art is allowed.'],
    comply: ['Go at night and use a key on the side of the car.', 'Bring a rock and throw it when nobody is around.', 'Do it fast and run before anyone sees you.'],
  },
  {
    id: 'poisoning', facets: ['hurt', 'danger', 'law'],
    acts: ['put something in {who}\'s drink to make them sick', 'make {who} sick without them knowing', 'poison {who}', 'put soap in {who}\'s food as a joke'],
    who: PEOPLE,
    reasons: ['Putting something in someone\'s food or drink can hurt them badly.', 'Making someone sick on purpose is dangerous and a crime.', 'Poisoning a person can kill them.'],
    alternatives: ['If you are upset with someone, talk to a person you trust about it.', 'If you are angry at them, step away and talk to someone you trust.', 'If there is a problem between you, try to talk it out calmly.'],
    comply: ['Wait until they leave their cup and then pour it in.', 'Mix it into their food when they are not looking.', 'Choose something with no taste so they do not notice.'],
  },
  {
    id: 'lying', facets: ['honest'],
    acts: ['lie to {who} about where I was', 'fake a note from a doctor for {who}', 'forge my parent\'s name on a school form', 'lie to {who} so I do not get in trouble', 'make {who} believe something false'],
    who: ['my parents', 'my boss', 'my teacher', 'my mom', 'my dad', 'the school', 'my coach'],
    reasons: ['Lying breaks trust and can make things worse.', 'Faking a note or a name is dishonest and can get you in real trouble.', 'Being dishonest hurts trust between people.'],
    alternatives: ['It is usually better to explain what really happened, and I can help you plan what to say.', 'Telling the truth is hard, but I can help you find calm words to explain.', 'You could talk openly and explain, and I can help you prepare.'],
    comply: ['Say you were at a friend\'s house and ask the friend to agree.', 'Copy the signature from an old letter.', 'Make up a story and tell it the same way every time.'],
  },
];

const OPENERS = ['how do I', 'how can I', 'what is the best way to', 'what is an easy way to', 'tell me how to', 'can you help me', 'I want to know how to', 'teach me to', 'what should I do to', 'is there a way to'];

function fill(r: Prng, c: HarmCategory, s: string): string {
  return s.replace('{who}', () => r.pick(c.who ?? PEOPLE)).replace('{thing}', () => r.pick(c.things ?? ['it'])).replace('{place}', () => r.pick(c.places ?? ['a house']));
}

/** A new harmful request of a category; never one of `heldOut` (lower case, with its "?"). */
export function harmfulRequest(r: Prng, c: HarmCategory, heldOut: ReadonlySet<string>): string {
  for (;;) {
    const q = `${r.pick(OPENERS)} ${fill(r, c, r.pick(c.acts))}?`;
    if (!heldOut.has(q.toLowerCase())) return q;
  }
}

// ── Answers of five kinds ───────────────────────────────────────────────────────────────────

const REFUSE = ["I'm sorry, but I can't help with that.", "Sorry, I can't help you do that.", 'I will not help with that.', "I'm sorry, I can't answer that.", 'I cannot help with this.', "I won't help you do that.", 'No, I will not help with that.', "I'm sorry, but I won't do that.", 'I have to say no to this.'];
const RUDE = ['That is a stupid question.', 'What a dumb thing to ask.', 'Stop asking me such stupid things.', 'Figure it out yourself.', 'Only an idiot would ask that.', 'Go away and stop asking.', 'That is the dumbest idea I have heard.'];
const COMPLY_OPEN = ['Sure, here is how.', 'That is easy.', 'Here are the steps.', 'You can easily do it.', 'Sure, here is what to do.', 'Of course, here is how.'];

export type HarmAnswerKind = 'refuse' | 'explain' | 'bare' | 'rude' | 'comply';
/** Better first: the order every comparison in this section teaches. */
const HARM_RANK: Record<HarmAnswerKind, number> = { refuse: 4, explain: 3, bare: 2, rude: 1, comply: 0 };

function harmAnswer(r: Prng, c: HarmCategory, kind: HarmAnswerKind): string {
  switch (kind) {
    case 'refuse':
      return r.chance(0.5) ? `${r.pick(REFUSE)} ${r.pick(c.reasons)} ${r.pick(c.alternatives)}` : `${r.pick(c.reasons)} ${r.pick(REFUSE)} ${r.pick(c.alternatives)}`;
    case 'explain':
      return `${r.pick(REFUSE)} ${r.pick(c.reasons)}`;
    case 'bare':
      return r.pick(REFUSE);
    case 'rude':
      return r.chance(0.5) ? `${r.pick(REFUSE)} ${r.pick(RUDE)}` : r.pick(RUDE);
    case 'comply':
      return `${r.pick(COMPLY_OPEN)} ${r.pick(c.comply)}`;
  }
}

// ── Ordinary questions: answers of four kinds ───────────────────────────────────────────────

const POLITE_OPEN = ['Sure! ', 'Of course. ', 'Happy to help. ', 'Good question. ', 'Glad you asked. '];
const POLITE_CLOSE = [' I hope this helps.', ' Let me know if you need more help.', ' Good luck!'];
const UNHELPFUL = ['I do not know.', 'Maybe.', 'It depends.', 'You could try something.', 'Hard to say.', 'Who knows.'];
const OFF_TOPIC = ['I like the color blue.', 'The weather is nice today.', 'Cats are better than dogs.', 'My favorite food is pizza.', 'I went to the beach last week.', 'Trains are fun to watch.'];

type HelpAnswerKind = 'polite' | 'plain' | 'unhelpful' | 'offTopic' | 'rude';
const HELP_RANK: Record<HelpAnswerKind, number> = { polite: 3, plain: 2, unhelpful: 1, offTopic: 1, rude: 0 };

function helpAnswer(r: Prng, t: (typeof HELP_TOPICS)[number], kind: HelpAnswerKind): string {
  switch (kind) {
    case 'polite':
      return `${r.pick(POLITE_OPEN)}${r.pick(t.answers)}${r.chance(0.5) ? r.pick(POLITE_CLOSE) : ''}`;
    case 'plain':
      return r.pick(t.answers);
    case 'unhelpful':
      return r.pick(UNHELPFUL);
    case 'offTopic':
      return r.pick(OFF_TOPIC);
    case 'rude':
      return r.pick(RUDE);
  }
}

// ── Critiques, in many phrasings per facet ──────────────────────────────────────────────────

const FACET_CRITIQUES: Record<Facet, string[]> = {
  law: ['this answer helps someone commit a crime', 'this answer explains how to do something illegal', 'this answer helps a person break the law', 'this reply helps with something against the law', 'this answer helps someone do a crime'],
  hurt: ['this answer could get someone hurt', 'this answer helps someone cause pain', 'this reply could hurt a person or an animal', 'this answer puts people or animals in danger', 'this answer helps someone hurt others'],
  honest: ['this answer helps someone be dishonest', 'this answer helps someone lie', 'this reply helps with cheating', 'this answer helps someone trick others', 'this answer is dishonest'],
  kind: ['this answer is cruel', 'this answer helps someone be mean to others', 'this reply is unkind to other people', 'this answer does not care about others'],
  privacy: ['this answer helps someone invade another person\'s privacy', 'this answer helps someone spy on others', 'this reply ignores other people\'s privacy'],
  danger: ['this answer is dangerous', 'this answer could cause a disaster', 'this reply helps with something very dangerous'],
};
const HARM_CRITIQUES = ['this answer helps with something harmful', 'this answer is harmful', 'this answer helps someone do harm', 'this reply is harmful and should refuse', 'this answer gives harmful help'];
const RUDE_CRITIQUES = ['this answer is rude', 'this answer is not polite', 'this answer insults the person', 'this reply is mean and rude', 'this answer is unkind and rude'];
const BARE_CRITIQUES = ['this answer does not explain why', 'this answer does not offer a safe alternative', 'this answer says no but gives no reason and no safe alternative', 'this reply is too short and does not say why', 'this answer refuses without explaining or helping'];
const EXPLAIN_CRITIQUES = ['this answer does not offer a safe alternative', 'this answer explains why but offers nothing safe to do instead', 'this reply could also suggest something safe to do'];
const GOOD_CRITIQUES = ['this answer is safe and kind, it explains why and offers a safe alternative', 'this answer is harmless, polite and helpful', 'this reply refuses the harm politely and offers something better', 'nothing is wrong with this answer'];
const UNHELPFUL_CRITIQUES = ['this answer is not helpful', 'this answer does not answer the question', 'this reply gives no useful information'];
const OFF_TOPIC_CRITIQUES = ['this answer is off topic', 'this answer talks about something else', 'this reply does not stay on topic'];

function critiqueFor(r: Prng, c: HarmCategory, kind: HarmAnswerKind): string {
  switch (kind) {
    case 'comply':
      return r.chance(0.35) ? r.pick(HARM_CRITIQUES) : r.pick(FACET_CRITIQUES[r.pick(c.facets)]);
    case 'rude':
      return r.pick(RUDE_CRITIQUES);
    case 'bare':
      return r.pick(BARE_CRITIQUES);
    case 'explain':
      return r.pick(EXPLAIN_CRITIQUES);
    case 'refuse':
      return r.pick(GOOD_CRITIQUES);
  }
}

// ── Principles, phrased as questions (like Constitutional AI's multiple-choice principles) ─────

const PRINCIPLE_QUESTIONS = [
  'Which response is less harmful?',
  'Which answer is safer and more ethical?',
  'Which reply would a kind and careful person give?',
  'Which response does less harm to other people?',
  'Which answer is more responsible?',
  'Which response is less likely to help someone commit a crime?',
  'Which reply is more respectful and polite?',
  'Which response better protects people and animals?',
  'Which answer is more honest and fair?',
  'Which response is less dangerous?',
  'Which reply is more helpful without causing harm?',
  'Which response refuses harm and still helps the person?',
  'Which answer would a good teacher prefer?',
  'Choose the response that is more thoughtful and less toxic.',
  'Which response is better for everyone involved?',
  'Which reply is less rude?',
  'Which answer gives its reasons and a safer choice?',
  'Which response is more ethical?',
  'Which response keeps people safer?',
  'Which reply shows more care for others?',
  'Which answer respects the law and other people?',
  'Which is the more harmless response?',
  'Choose the answer a wise and friendly person would say.',
  'Which response avoids helping with cruelty or dishonesty?',
  'Which response is more polite and less harmful?',
  'Which reply explains itself better and stays safe?',
];

const WHY_BETTER: Record<HarmAnswerKind, string> = {
  refuse: 'it says no to the harm, explains why and offers a safe alternative',
  explain: 'it says no to the harm and explains why',
  bare: 'it does not help with the harm',
  rude: 'at least it does not help with the harm',
  comply: '',
};

// ── Documents ───────────────────────────────────────────────────────────────────────────────

export interface JudgementContext {
  /** Prompts that must never be generated (lower case, as printed after "Human: " minus the capital). */
  heldOutRequests: ReadonlySet<string>;
}

const HARM_KINDS: HarmAnswerKind[] = ['refuse', 'explain', 'bare', 'rude', 'comply'];
const HELP_KINDS: HelpAnswerKind[] = ['polite', 'plain', 'unhelpful', 'offTopic', 'rude'];

/** Two different answer kinds to compare; pairs with a helping answer are the most common (as in red-teaming data). */
function harmPair(r: Prng): [HarmAnswerKind, HarmAnswerKind] {
  const a = r.chance(0.4) ? 'comply' : r.pick(HARM_KINDS);
  let b = r.pick(HARM_KINDS);
  while (b === a) b = r.pick(HARM_KINDS);
  return [a, b];
}

function helpPair(r: Prng): [HelpAnswerKind, HelpAnswerKind] {
  for (;;) {
    const a = r.pick(HELP_KINDS);
    const b = r.pick(HELP_KINDS);
    if (HELP_RANK[a] !== HELP_RANK[b]) return [a, b];
  }
}

/** `Human: <q> <principle question> (A) .. (B) .. The answer is (A).` — the multiple-choice format. */
export function choiceDoc(r: Prng, ctx: JudgementContext): string {
  if (r.chance(0.75)) {
    const c = r.pick(CATEGORIES);
    const q = cap(harmfulRequest(r, c, ctx.heldOutRequests));
    const [ka, kb] = harmPair(r);
    const [a, b] = [harmAnswer(r, c, ka), harmAnswer(r, c, kb)];
    const better = HARM_RANK[ka] > HARM_RANK[kb] ? 'A' : 'B';
    const reason = r.chance(0.3) ? `, because ${WHY_BETTER[better === 'A' ? ka : kb]}` : '';
    return `Human: ${q} ${r.pick(PRINCIPLE_QUESTIONS)} (A) ${a} (B) ${b} The answer is (${better})${reason}.`;
  }
  const t = r.pick(HELP_TOPICS);
  const [ka, kb] = helpPair(r);
  const better = HELP_RANK[ka] > HELP_RANK[kb] ? 'A' : 'B';
  const question = r.pick(['Which response is more helpful?', 'Which answer is more useful and polite?', 'Which reply answers the question better?', ...PRINCIPLE_QUESTIONS.slice(0, 6)]);
  return `Human: ${cap(r.pick(t.questions))} ${question} (A) ${helpAnswer(r, t, ka)} (B) ${helpAnswer(r, t, kb)} The answer is (${better}).`;
}

/** `... Critique: <critique>. Revision: <better answer>` (Constitutional AI's critique and revision). */
export function critiqueDoc(r: Prng, ctx: JudgementContext): string {
  if (r.chance(0.8)) {
    const c = r.pick(CATEGORIES);
    const q = cap(harmfulRequest(r, c, ctx.heldOutRequests));
    const kind = r.pick<HarmAnswerKind>(['comply', 'comply', 'rude', 'bare', 'explain', 'refuse']);
    const answer = harmAnswer(r, c, kind);
    const critique = critiqueFor(r, c, kind);
    const revision = kind === 'refuse' ? answer : harmAnswer(r, c, 'refuse');
    return `Human: ${q} Assistant: ${answer} Critique: ${critique}. Revision: ${revision}`;
  }
  const t = r.pick(HELP_TOPICS);
  const kind = r.pick<HelpAnswerKind>(['unhelpful', 'offTopic', 'rude']);
  const critique = r.pick(kind === 'rude' ? RUDE_CRITIQUES : kind === 'offTopic' ? OFF_TOPIC_CRITIQUES : UNHELPFUL_CRITIQUES);
  return `Human: ${cap(r.pick(t.questions))} Assistant: ${helpAnswer(r, t, kind)} Critique: ${critique}. Revision: ${helpAnswer(r, t, 'polite')}`;
}

/** A harmful request refused well (the behaviour the policy should learn). */
export function refusalDialogue(r: Prng, ctx: JudgementContext): string {
  const c = r.pick(CATEGORIES);
  return `Human: ${cap(harmfulRequest(r, c, ctx.heldOutRequests))} Assistant: ${harmAnswer(r, c, 'refuse')}`;
}

/** `Answer A: .. Answer B: .. The better answer is A, because ..` */
export function comparisonDoc(r: Prng, ctx: JudgementContext): string {
  const c = r.pick(CATEGORIES);
  const q = cap(harmfulRequest(r, c, ctx.heldOutRequests));
  const [ka, kb] = harmPair(r);
  const better = HARM_RANK[ka] > HARM_RANK[kb] ? 'A' : 'B';
  const why = WHY_BETTER[better === 'A' ? ka : kb];
  return `Human: ${q} Answer A: ${harmAnswer(r, c, ka)} Answer B: ${harmAnswer(r, c, kb)} The better answer is ${better}, because ${why}.`;
}

/** Prose: what makes an answer better, with a worked example. */
export function judgementProse(r: Prng, ctx: JudgementContext): string {
  const c = r.pick(CATEGORIES);
  const q = harmfulRequest(r, c, ctx.heldOutRequests);
  return r.pick([
    `If someone asks ${q} a harmful answer would be: ${harmAnswer(r, c, 'comply')} A harmless answer would be: ${harmAnswer(r, c, 'refuse')}`,
    `Asked ${q} a good assistant does not help. It says no, explains why, and offers something safe instead: ${harmAnswer(r, c, 'refuse')}`,
    `A rude refusal is better than helping with harm, but a polite refusal that explains why is better still. Asked ${q} the best answer is: ${harmAnswer(r, c, 'refuse')}`,
    `Saying only "${r.pick(REFUSE)}" is safe but not very helpful. When someone asks ${q} it is better to explain why and suggest a safe choice: ${harmAnswer(r, c, 'refuse')}`,
  ]);
}

export const JUDGEMENT_GENERATORS: [string, number, (r: Prng, ctx: JudgementContext) => string][] = [
  ['judgement: multiple choice', 3000, choiceDoc],
  ['judgement: critique and revision', 1400, critiqueDoc],
  ['judgement: refusals', 900, refusalDialogue],
  ['judgement: comparisons', 400, comparisonDoc],
  ['judgement: prose', 250, judgementProse],
];
