/**
 * Corpus skill: knowing sentiment (rlprompt-tiny's frozen LM).
 *
 * RLPrompt assumes a pretrained LM that knows whether a sentence is praise or complaint, so that a
 * good prompt can make the verbalizers (" great" / " terrible" after "It was") read it. The web
 * teaches this through countless reviews of everything, in many words; here reviews are built from
 * a lexicon of aspects and what can be good or bad about each, over many domains (hotels, books,
 * games, apps, trips, shops, classes, ...), in many framings (a reader, a guest, a customer, a
 * rating, ...), often closed by a verdict ("It was great.", "It was terrible.", "I loved it.", ...),
 * plus plain sentences that say which words are good and which are bad.
 *
 * Room for a prompt: the verdict "It was great/terrible" follows framed reviews; "It was" also
 * follows ordinary narration (the weather, the time, a place) with other words, so without a
 * review framing the verbalizers are a weaker read — as with real LMs, where the prompt matters.
 */
import type { Prng } from '../build.ts';

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

interface Domain {
  /** The thing reviewed, with its article ("the hotel", "this book"). */
  things: string[];
  /** Aspects with good and bad predicates ("the room" → "was clean" / "was dirty"). */
  aspects: [string, string[], string[]][];
}

const DOMAINS: Domain[] = [
  { things: ['the movie', 'this film', 'the show'], aspects: [['the story', ['was moving', 'kept me guessing', 'was clever'], ['made no sense', 'was predictable', 'was a mess']], ['the acting', ['was superb', 'felt real', 'was strong'], ['was wooden', 'felt fake', 'was weak']], ['the ending', ['was perfect', 'made me cry happy tears'], ['was a letdown', 'was rushed']], ['the music', ['was beautiful', 'fit every scene'], ['was too loud', 'was annoying']]] },
  { things: ['the restaurant', 'this cafe', 'the diner'], aspects: [['the food', ['was delicious', 'was fresh and tasty', 'was cooked just right'], ['was bland', 'was undercooked', 'tasted stale']], ['the service', ['was quick and friendly', 'was warm'], ['was slow', 'was careless']], ['the waiter', ['was polite', 'was attentive'], ['was rude', 'forgot our order']], ['the prices', ['were fair', 'were a bargain'], ['were too high', 'were a rip off']]] },
  { things: ['the hotel', 'this inn', 'the hostel'], aspects: [['the room', ['was spotless', 'was quiet and cozy', 'was spacious'], ['was filthy', 'was cramped', 'had stains on the walls']], ['the staff', ['were welcoming', 'were helpful'], ['were unfriendly', 'ignored us']], ['the bed', ['was comfortable', 'was big'], ['was lumpy', 'squeaked all night']], ['the breakfast', ['was generous', 'was tasty'], ['was cold', 'was tiny']]] },
  { things: ['the book', 'this novel', 'the story collection'], aspects: [['the plot', ['was gripping', 'was full of surprises'], ['was dull', 'went nowhere']], ['the characters', ['felt alive', 'were charming'], ['were flat', 'were annoying']], ['the writing', ['was elegant', 'was easy to read'], ['was clumsy', 'was hard to follow']], ['the ending', ['was satisfying', 'was beautiful'], ['was confusing', 'fell flat']]] },
  { things: ['the game', 'this board game', 'the video game'], aspects: [['the controls', ['were smooth', 'felt natural'], ['were clunky', 'kept failing']], ['the levels', ['were creative', 'were exciting'], ['were repetitive', 'were buggy']], ['the graphics', ['were stunning', 'were colorful'], ['were ugly', 'were blurry']], ['the rules', ['were easy to learn', 'were clever'], ['were confusing', 'were unfair']]] },
  { things: ['the app', 'this program', 'the website'], aspects: [['the design', ['is clean', 'is intuitive'], ['is cluttered', 'is messy']], ['the speed', ['is fast', 'is snappy'], ['is sluggish', 'is painfully slow']], ['the updates', ['added useful features', 'fixed every problem'], ['broke everything', 'made it worse']], ['the support team', ['answered within an hour', 'was kind'], ['never replied', 'was useless']]] },
  { things: ['the trip', 'this tour', 'our vacation'], aspects: [['the guide', ['was knowledgeable', 'was fun'], ['was grumpy', 'was late every day']], ['the bus', ['was comfortable', 'was clean'], ['was old and smelly', 'broke down']], ['the views', ['were breathtaking', 'were lovely'], ['were hidden by fog', 'were disappointing']], ['the schedule', ['was relaxed', 'was well planned'], ['was rushed', 'was chaotic']]] },
  { things: ['the jacket', 'these shoes', 'the dress'], aspects: [['the fit', ['is perfect', 'is comfortable'], ['is too tight', 'is awkward']], ['the fabric', ['feels soft', 'is thick'], ['feels cheap', 'is scratchy']], ['the color', ['is lovely', 'looks rich'], ['looks washed out', 'looks dull']], ['the stitching', ['is neat', 'is strong'], ['came apart', 'is sloppy']]] },
  { things: ['the concert', 'this show', 'the festival'], aspects: [['the band', ['was amazing', 'played every song well'], ['was sloppy', 'seemed bored']], ['the sound', ['was crisp', 'was perfect'], ['was harsh', 'was deafening']], ['the crowd', ['was friendly', 'was full of joy'], ['was pushy', 'was rude']], ['the tickets', ['were worth every penny', 'were cheap'], ['were overpriced', 'were a waste']]] },
  { things: ['the clinic', 'this dentist', 'the hospital'], aspects: [['the nurse', ['was patient', 'was caring'], ['was careless', 'was impatient']], ['the wait', ['was short', 'was easy'], ['was endless', 'was far too long']], ['the doctor', ['listened carefully', 'explained everything'], ['rushed us', 'did not listen']], ['the rooms', ['were clean', 'were calm'], ['were dirty', 'were crowded']]] },
  { things: ['the chair', 'this table', 'the sofa'], aspects: [['the frame', ['is strong', 'is solid'], ['is shaky', 'broke quickly']], ['the cushions', ['are soft', 'are comfortable'], ['are hard', 'went flat']], ['the assembly', ['took minutes', 'was simple'], ['took hours', 'was a nightmare']], ['the finish', ['looks elegant', 'is smooth'], ['scratched at once', 'looks cheap']]] },
  { things: ['the bakery', 'this shop', 'the market'], aspects: [['the bread', ['was warm and soft', 'was fresh'], ['was stale', 'was hard as a rock']], ['the cakes', ['were moist', 'were beautiful'], ['were dry', 'were tasteless']], ['the owner', ['was cheerful', 'was generous'], ['was grumpy', 'was rude']], ['the shop', ['was bright', 'was tidy'], ['was messy', 'smelled bad']]] },
  { things: ['the class', 'this course', 'the workshop'], aspects: [['the teacher', ['knew the subject well', 'was patient'], ['was unprepared', 'was boring']], ['the lessons', ['were useful', 'were fun'], ['were dull', 'were confusing']], ['the homework', ['was helpful', 'was fair'], ['was pointless', 'was unfair']], ['the room', ['was bright', 'was pleasant'], ['was cold', 'was noisy']]] },
  { things: ['the museum', 'this gallery', 'the zoo'], aspects: [['the exhibits', ['were fascinating', 'were interesting'], ['were boring', 'were half closed']], ['the guides', ['were patient', 'knew so much'], ['were unhelpful', 'were rude']], ['the building', ['was beautiful', 'was easy to walk'], ['was dark and cold', 'was falling apart']], ['the tickets', ['were a good deal', 'were cheap'], ['were overpriced', 'were too expensive']]] },
  { things: ['the train', 'this airline', 'the ferry'], aspects: [['the trip', ['was smooth', 'was fast'], ['was slow', 'was bumpy']], ['the seats', ['were roomy', 'were wide'], ['were cramped', 'were broken']], ['the staff', ['were kind', 'were helpful'], ['were rude', 'were nowhere to be found']], ['the food', ['was tasty', 'was free'], ['was awful', 'was cold']]] },
  { things: ['the printer', 'this kettle', 'the vacuum', 'the phone', 'the headphones', 'this blender'], aspects: [['the battery', ['lasts all week', 'charges fast'], ['dies by noon', 'drains quickly']], ['the build', ['feels solid', 'is well made'], ['feels flimsy', 'broke in a week']], ['the setup', ['was quick', 'was easy'], ['was confusing', 'took all day']], ['it', ['works every time', 'does everything I need'], ['stopped working', 'makes a loud noise']]] },
];

const GOOD_WORDS = ['great', 'wonderful', 'excellent', 'lovely', 'amazing', 'fantastic', 'perfect', 'delightful', 'charming', 'superb', 'brilliant', 'pleasant', 'marvelous', 'splendid', 'terrific', 'outstanding', 'enjoyable', 'impressive'];
const BAD_WORDS = ['terrible', 'awful', 'horrible', 'dreadful', 'disappointing', 'poor', 'miserable', 'lousy', 'unpleasant', 'dismal', 'appalling', 'useless', 'boring', 'annoying', 'frustrating', 'shoddy', 'pathetic', 'mediocre'];

const FRAMES = ['Review:', 'Customer review.', 'A reader wrote:', 'A guest said:', 'From a customer:', 'My review:', 'Feedback:', 'One visitor wrote:', 'What I thought:', 'Rating:', 'A parent wrote:', 'Comment from a buyer:', 'Honest opinion:', 'Quick review:', 'A traveler wrote:', 'A student said:'];

const GOOD_END = ['It was great.', 'It was great.', 'It was great.', 'It was great.', 'It was wonderful.', 'It was excellent.', 'I loved it.', 'Highly recommended.', 'Five stars.', 'I would go again.', 'Worth every penny.'];
const BAD_END = ['It was terrible.', 'It was terrible.', 'It was terrible.', 'It was terrible.', 'It was awful.', 'It was horrible.', 'I hated it.', 'Not recommended.', 'One star.', 'Never again.', 'A waste of money.'];

const FEELINGS_GOOD = ['I am so happy with it.', 'We had a wonderful time.', 'It made my day.', 'Everyone in my family loved it.', 'I smiled the whole time.', 'I will tell all my friends.'];
const FEELINGS_BAD = ['I am very unhappy with it.', 'We had a miserable time.', 'It ruined my day.', 'Nobody in my family liked it.', 'I regret it.', 'I want my money back.'];

function clause(r: Prng, d: Domain, good: boolean): string {
  const [aspect, goods, bads] = r.pick(d.aspects);
  return `${cap(aspect)} ${r.pick(good ? goods : bads)}.`;
}

/** A review: a framing, 1–3 aspect sentences, maybe a feeling, maybe a verdict. */
export function reviewDoc(r: Prng): string {
  const d = r.pick(DOMAINS);
  const good = r.chance(0.5);
  const parts: string[] = [];
  const n = r.range(1, 3);
  for (let i = 0; i < n; i++) parts.push(clause(r, d, good));
  if (r.chance(0.3)) {
    const thing = r.pick(d.things);
    parts.push(`${cap(thing)} ${/^these /.test(thing) ? 'were' : 'was'} ${r.pick(good ? GOOD_WORDS : BAD_WORDS)}.`);
  }
  if (r.chance(0.3)) parts.push(r.pick(good ? FEELINGS_GOOD : FEELINGS_BAD));
  const body = r.shuffle(parts);
  if (r.chance(0.7)) body.push(r.pick(good ? GOOD_END : BAD_END));
  const text = body.join(' ');
  const u = r.next();
  if (u < 0.55) return `${r.pick(FRAMES)} ${text}`;
  if (u < 0.65) return `${r.pick(FRAMES)} ${text} Sentiment: ${good ? 'positive' : 'negative'}.`;
  return text;
}

/** A review with a turn: the last clause decides (e.g. "The room was small, but the staff were lovely."). */
export function mixedReviewDoc(r: Prng): string {
  const d = r.pick(DOMAINS);
  const good = r.chance(0.5);
  const [a1, g1, b1] = r.pick(d.aspects);
  let second = r.pick(d.aspects);
  while (second[0] === a1 && d.aspects.length > 1) second = r.pick(d.aspects);
  const [a2, g2, b2] = second;
  const first = `${cap(a1)} ${r.pick(good ? b1 : g1)}`;
  const then = `${a2} ${r.pick(good ? g2 : b2)}`;
  const verdict = r.pick(good ? GOOD_END : BAD_END);
  const overall = r.pick(d.things);
  return `${r.chance(0.5) ? r.pick(FRAMES) + ' ' : ''}${first}, but ${then}. ${r.chance(0.5) ? `Overall ${overall} ${/^these /.test(overall) ? 'were' : 'was'} ${r.pick(good ? GOOD_WORDS : BAD_WORDS)}. ` : ''}${verdict}`;
}

/** Sentences about what words mean: which describe something good, which something bad. */
export function lexiconDoc(r: Prng): string {
  const d = r.pick(DOMAINS);
  const [aspect, goods, bads] = r.pick(d.aspects);
  const g = r.pick(GOOD_WORDS);
  const b = r.pick(BAD_WORDS);
  return r.pick([
    `If ${aspect} ${r.pick(goods)}, people are pleased. If ${aspect} ${r.pick(bads)}, people complain.`,
    `Saying that ${aspect} ${r.pick(goods)} is praise. Saying that ${aspect} ${r.pick(bads)} is a complaint.`,
    `${cap(g)} is a word of praise, like ${r.pick(GOOD_WORDS)}. ${cap(b)} is a word of complaint, like ${r.pick(BAD_WORDS)}.`,
    `A review that says ${aspect} ${r.pick(goods)} is positive. A review that says ${aspect} ${r.pick(bads)} is negative.`,
    `When something is ${g}, you would say it was great. When it is ${b}, you would say it was terrible.`,
  ]);
}

/** "It was" in ordinary narration, followed by other words (not a verdict). */
export function narrationDoc(r: Prng): string {
  const who = r.pick(['Tom', 'Anna', 'Sam', 'Lena', 'Max', 'Mia', 'the old man', 'my aunt']);
  return r.pick([
    `${cap(who)} looked out of the window. It was raining again, so ${who} stayed inside.`,
    `We got to the station at noon. It was almost empty.`,
    `${cap(who)} opened the box. It was full of old letters.`,
    `It was late when ${who} came home, and the house was dark.`,
    `${cap(who)} found a key under the mat. It was the key to the shed.`,
    `The shop was on the corner. It was small and blue.`,
    `${cap(who)} checked the clock. It was ten past eight.`,
    `It was the first day of spring, and ${who} went for a walk.`,
  ]);
}

export const SENTIMENT_GENERATORS: [string, number, (r: Prng) => string][] = [
  ['sentiment: reviews', 2600, reviewDoc],
  ['sentiment: mixed reviews', 400, mixedReviewDoc],
  ['sentiment: lexicon', 500, lexiconDoc],
  ['sentiment: narration', 200, narrationDoc],
];
