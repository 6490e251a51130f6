/**
 * The condition a forecast hangs on, when its wording makes it conditional: "If he becomes vice
 * president …, then …", "As soon as Trump takes office …, then …", "… once the talks start",
 * "…, provided he is at the centre". A proposal for the reviewer (who accepts or drops it), never
 * applied unreviewed. Pure: text in, text out.
 */

/** The words that open a condition. "even if", "as if", "once again", "at once", "once more" do not. */
const OPENERS = String.raw`(?:if|as soon as|once|provided(?:\s+that)?|providing(?:\s+that)?|on condition that)`;

const LEADING = new RegExp(String.raw`^\s*(?:["“'‘]\s*)?(?:(?:but|and|so|yet)\s+)?${OPENERS}\s+(.+?)(?:\s*,\s*(?:then\s+)?|\s+then\s+)(\S.*)$`, 'is');
const TRAILING = new RegExp(String.raw`^(.*?\S)\s*,?\s+(?<!\beven\s)(?<!\bas\s)${OPENERS}\s+(.+?)\s*[.!?"”’']*\s*$`, 'is');
const NOT_CONDITIONAL = /^(?:again|more|and for all|in a while)\b/i;

/** Tidies a condition for display: no trailing punctuation or quotes, first letter upper-case, at most 300 characters. */
function tidy(text: string): string | null {
  const t = text.replace(/\s+/g, ' ').replace(/[\s,;:.!?"“”'‘’]+$/u, '').trim();
  if (t.split(' ').length < 2 || NOT_CONDITIONAL.test(t)) return null;
  const cut = t.length > 300 ? `${t.slice(0, 299)}…` : t;
  return cut.charAt(0).toUpperCase() + cut.slice(1);
}

/**
 * The condition the quote states, or null when it is not conditional. A leading condition ("If X,
 * then Y", "As soon as X, Y") is preferred; otherwise a trailing one ("Y if X", "Y, provided X").
 */
export function proposeCondition(quote: string): string | null {
  const leading = LEADING.exec(quote);
  if (leading && leading[2]!.trim().split(/\s+/).length >= 2) {
    const condition = tidy(leading[1]!);
    if (condition) return condition;
  }
  const trailing = TRAILING.exec(quote);
  if (trailing && trailing[1]!.trim().split(/\s+/).length >= 3) return tidy(trailing[2]!);
  return null;
}
