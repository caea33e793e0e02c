// The election's public parameters, decoded strictly, and their fingerprint (section 4).
import { fromHex32, pointDecode, VerificationError } from "./group.js";
import { jsonHash, PROTOCOL } from "./hashing.js";

export const MAX_CHOICES = 64;

export function mapping(value, field, keys) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new VerificationError("expected an object", field);
  }
  const have = Object.keys(value);
  const missing = keys.filter((k) => !have.includes(k));
  const extra = have.filter((k) => !keys.includes(k));
  if (missing.length || extra.length) {
    const what = [missing.length ? `missing ${missing.sort().join(", ")}` : "",
      extra.length ? `unexpected ${extra.sort().join(", ")}` : ""].filter(Boolean).join("; ");
    throw new VerificationError(what, field);
  }
  return value;
}

export function array(value, field, length) {
  if (!Array.isArray(value)) throw new VerificationError("expected an array", field);
  if (length !== undefined && value.length !== length) {
    throw new VerificationError(`expected ${length} items, found ${value.length}`, field);
  }
  return value;
}

export function integer(value, field, lo, hi) {
  if (!Number.isSafeInteger(value) || value < lo || value > hi) {
    throw new VerificationError(`expected an integer from ${lo} to ${hi}`, field);
  }
  return value;
}

export function text(value, field) {
  if (typeof value !== "string" || !value) {
    throw new VerificationError("expected a non-empty string", field);
  }
  return value;
}

function question(value, at) {
  const obj = mapping(value, at, ["key", "choices", "min", "max"]);
  const key = text(obj.key, `${at}.key`);
  const choices = array(obj.choices, `${at}.choices`).map((c, i) => text(c, `${at}.choices[${i}]`));
  if (choices.length < 1 || choices.length > MAX_CHOICES) {
    throw new VerificationError(`a question has 1 to ${MAX_CHOICES} choices`, `${at}.choices`);
  }
  if (new Set(choices).size !== choices.length) {
    throw new VerificationError("choice keys must be non-empty and distinct", `${at}.choices`);
  }
  const min = integer(obj.min, `${at}.min`, 0, MAX_CHOICES);
  const max = integer(obj.max, `${at}.max`, 0, MAX_CHOICES);
  if (!(min <= max && max <= choices.length)) {
    throw new VerificationError(`need 0 <= min <= max <= ${choices.length}, got ${min}..${max}`,
      `${at}.min`);
  }
  return { key, choices, min, max };
}

/** An election from its JSON: every key checked; `fingerprint` is SHA-256 of its canonical
 * JSON, `publicKey` the trustees' joint key H. */
export function parseElection(value, where = "election") {
  const obj = mapping(value, where, ["protocol", "group", "election_id", "public_key", "questions"]);
  if (obj.protocol !== PROTOCOL || obj.group !== "ristretto255") {
    throw new VerificationError(`not a ${PROTOCOL} ristretto255 election`, where);
  }
  const electionId = text(obj.election_id, `${where}.election_id`);
  const publicKey = pointDecode(fromHex32(obj.public_key, `${where}.public_key`),
    `${where}.public_key`);
  const questions = array(obj.questions, `${where}.questions`)
    .map((q, i) => question(q, `${where}.questions[${i}]`));
  if (!questions.length) throw new VerificationError("an election needs a question", `${where}.questions`);
  if (new Set(questions.map((q) => q.key)).size !== questions.length) {
    throw new VerificationError("question keys must be distinct", `${where}.questions`);
  }
  const json = { protocol: PROTOCOL, group: "ristretto255", election_id: electionId,
    public_key: obj.public_key, questions: questions.map((q) => ({ ...q })) };
  return { json, electionId, publicKey, questions, fingerprint: jsonHash(json) };
}

/** The 0/1 marks of a selection of choice keys, checked against the question's min and max. */
export function marksFor(q, chosen) {
  const unknown = chosen.filter((c) => !q.choices.includes(c));
  if (unknown.length) throw new VerificationError(`no choice "${unknown[0]}" in question "${q.key}"`, "choice");
  if (new Set(chosen).size !== chosen.length) throw new VerificationError("a choice is marked twice", "choice");
  if (chosen.length < q.min || chosen.length > q.max) {
    throw new VerificationError(`question "${q.key}" takes ${q.min} to ${q.max} marks, not ${chosen.length}`, "choice");
  }
  return q.choices.map((c) => (chosen.includes(c) ? 1 : 0));
}
