/**
 * The JSON serializer of every response with a schema. A cached answer is handed out frozen
 * (src/resilience/response-cache.ts) and the same object on every hit, so its text cannot
 * change: it is serialized once and remembered by identity. A response built around cached
 * parts — an aggregate is `{ x, series }` from the cache plus a `meta` made for this request —
 * reuses the parts' text and serializes only what is new. Everything else is JSON.stringify.
 */

const texts = new WeakMap<object, string>();

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function frozenText(value: object): string {
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

/** The text of one property value, as JSON.stringify would write it inside an object. */
function valueText(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && Object.isFrozen(value)) {
    return frozenText(value);
  }
  return JSON.stringify(value);
}

/** Byte for byte what `JSON.stringify(data)` gives, cheaper when parts of `data` are frozen. */
export function serializeJson(data: unknown): string {
  if (typeof data !== 'object' || data === null) return JSON.stringify(data);
  if (Object.isFrozen(data)) return frozenText(data);
  // Only the top level of a plain object is walked: that is where a fresh wrapper holds frozen
  // parts. Anything with toJSON or its own prototype keeps JSON.stringify's meaning.
  if (Array.isArray(data) || !isPlainObject(data) || 'toJSON' in data) {
    return JSON.stringify(data);
  }
  let text = '{';
  for (const key of Object.keys(data)) {
    const value = valueText(data[key]);
    // undefined, functions and symbols are left out, as JSON.stringify leaves them out.
    if (value === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${JSON.stringify(key)}:${value}`;
  }
  return `${text}}`;
}
