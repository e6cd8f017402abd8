// Small numbers people write as words ("make it three replicas", "for two weeks").

export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  fourteen: 14,
  twenty: 20,
  thirty: 30,
};

const WORD = new RegExp(`\\b(${Object.keys(NUMBER_WORDS).join('|')})\\b`, 'g');

/** The text with its number words as digits ("scale to four" → "scale to 4"), lower case. */
export function wordsToDigits(text: string): string {
  return text.toLowerCase().replace(WORD, (w) => String(NUMBER_WORDS[w]));
}
