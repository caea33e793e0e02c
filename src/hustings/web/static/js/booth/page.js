// The voting booth page (templates/booth.html): credential -> choices -> review -> cast or
// audit. Everything secret stays in this module's memory; only the signed ballot is sent.
import { checkAudit, encryptWithRandomness, tracker as trackerOf } from "./ballot.js";
import { credentialSecret } from "./credentials.js";
import { parseElection } from "./election.js";

const root = document.getElementById("booth");
const statusLine = document.getElementById("booth-status");
const M = JSON.parse(document.getElementById("booth-messages").textContent);
const $ = (id) => document.getElementById(id);

let election = null;
let secret = null; // the credential's signing key: never sent, never stored
let pending = null; // {ballot, randomness, marks, tracker}: the encryption on review
let audited = null; // the marks of the ballot last audited, to encrypt afresh

function fmt(key, vars = {}) {
  return M[key].replace(/\{(\w+)\}/g, (_, name) => String(vars[name]));
}

function say(key, vars) {
  statusLine.textContent = fmt(key, vars);
}

function show(step) {
  for (const section of root.querySelectorAll(".booth-step")) section.hidden = section.id !== step;
  $(step).querySelector("h2").focus();
}

function element(tag, attrs = {}, text = null) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== null) el.textContent = text;
  return el;
}

function instruction(q) {
  if (q.min === q.max) return fmt("chooseExactly", q);
  if (q.min === 0) return fmt("chooseUpTo", q);
  return fmt("chooseBetween", q);
}

function buildQuestions() {
  const holder = $("questions");
  election.questions.forEach((q, qi) => {
    const fieldset = element("fieldset", { class: "choices", id: `q${qi}`,
      "aria-describedby": `q${qi}-hint q${qi}-error` });
    fieldset.append(element("legend", {}, q.key));
    fieldset.append(element("p", { class: "hint", id: `q${qi}-hint` }, instruction(q)));
    const error = element("p", { class: "field-error", id: `q${qi}-error` });
    error.hidden = true;
    fieldset.append(error);
    const single = q.min === 1 && q.max === 1;
    q.choices.forEach((choice, i) => {
      const id = `q${qi}c${i}`;
      const input = element("input", { type: single ? "radio" : "checkbox", id,
        name: `q${qi}`, value: choice });
      const label = element("label", { for: id });
      label.append(input, " ", choice);
      fieldset.append(label);
    });
    holder.append(fieldset);
  });
}

function currentMarks() {
  return election.questions.map((q, qi) =>
    q.choices.map((_, i) => ($(`q${qi}c${i}`).checked ? 1 : 0)));
}

function checkChoices(marks) {
  const problems = [];
  election.questions.forEach((q, qi) => {
    const n = marks[qi].reduce((a, b) => a + b, 0);
    const error = $(`q${qi}-error`);
    let message = null;
    if (n < q.min) message = fmt("tooFew", { question: q.key, min: q.min });
    if (n > q.max) message = fmt("tooMany", { question: q.key, max: q.max });
    error.hidden = message === null;
    error.textContent = message || "";
    if (message) problems.push({ qi, message });
  });
  const summary = $("choose-errors");
  const list = summary.querySelector("ul");
  list.replaceChildren(...problems.map(({ qi, message }) => {
    const item = element("li");
    item.append(element("a", { href: `#q${qi}c0` }, message));
    return item;
  }));
  summary.hidden = problems.length === 0;
  return problems;
}

function encryptAndReview(marks) {
  say("encrypting");
  // let the status be announced before the (synchronous) encryption runs
  setTimeout(() => {
    const made = encryptWithRandomness(election, secret, marks);
    const tracker = trackerOf(made.ballot);
    pending = { ...made, marks, tracker };
    const list = $("review-list");
    list.replaceChildren();
    election.questions.forEach((q, qi) => {
      const chosen = q.choices.filter((_, i) => marks[qi][i] === 1);
      const row = element("div");
      row.append(element("dt", {}, q.key), element("dd", {}, chosen.join(", ") || M.none));
      list.append(row);
    });
    $("review-tracker").textContent = tracker;
    setBusy(false);
    show("step-review");
    say("encrypted");
  }, 30);
}

function setBusy(busy) {
  for (const id of ["cast", "audit", "change"]) $(id).disabled = busy;
}

async function cast() {
  if (!pending) return;
  setBusy(true);
  say("casting");
  const headers = { "content-type": "application/json" };
  if (root.dataset.csrf) headers["x-csrf-token"] = root.dataset.csrf;
  let response;
  try {
    response = await fetch(root.dataset.ballotsUrl, { method: "POST", headers,
      credentials: "same-origin", body: JSON.stringify(pending.ballot) });
  } catch {
    setBusy(false);
    say("network");
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    setBusy(false);
    const reason = body?.error?.message || `HTTP ${response.status}`;
    say(response.status === 403 ? "notPermitted" : "refused", { reason });
    return;
  }
  const tracker = pending.tracker;
  pending = null; // a cast ballot is never audited
  $("done-tracker").textContent = tracker;
  const link = $("board-link");
  link.href = `${root.dataset.boardUrl}?tracker=${tracker}`;
  show("step-done");
  if (body.tracker !== tracker) {
    say("mismatch", { tracker: body.tracker });
  } else {
    say("cast", { tracker });
  }
  checkBoard(tracker);
}

async function checkBoard(tracker) {
  try {
    const response = await fetch(root.dataset.boardApiUrl, { credentials: "same-origin" });
    const text = await response.text();
    $("board-check").textContent = text.includes(`"${tracker}"`) ? M.onBoard : M.notOnBoard;
  } catch {
    $("board-check").textContent = M.notOnBoard;
  }
}

function audit() {
  if (!pending) return;
  const { ballot, randomness, marks } = pending;
  pending = null; // an audited ballot must never be cast
  const ok = checkAudit(election, ballot, marks, randomness);
  const verdict = $("audit-verdict");
  verdict.textContent = ok ? M.auditOk : M.auditFailed;
  verdict.className = ok ? "audit-verdict audit-ok" : "audit-verdict audit-failed";
  const rows = $("audit-rows");
  rows.replaceChildren();
  election.questions.forEach((q, qi) => q.choices.forEach((choice, i) => {
    const tr = element("tr");
    tr.append(element("td", {}, q.key), element("td", {}, choice),
      element("td", { class: "num" }, String(marks[qi][i])),
      element("td", { class: "code" }, randomness[qi][i]));
    rows.append(tr);
  }));
  $("audit-json").textContent = JSON.stringify({ election: election.json, ballot, marks,
    randomness }, null, 1);
  show("step-audit");
  say(ok ? "auditOk" : "auditFailed");
  audited = marks;
}

function readCredential(event) {
  event.preventDefault();
  const input = $("credential");
  const error = $("credential-error");
  try {
    secret = credentialSecret(election.electionId, input.value);
  } catch {
    input.setAttribute("aria-invalid", "true");
    error.textContent = M.badCredential;
    error.hidden = false;
    say("badCredential");
    input.focus();
    return;
  }
  input.value = ""; // the signing key is kept; the credential text is not
  input.removeAttribute("aria-invalid");
  error.hidden = true;
  show("step-choose");
  say("credentialOk");
}

async function start() {
  say("loading");
  try {
    const response = await fetch(root.dataset.electionUrl, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    election = parseElection(await response.json());
  } catch (exc) {
    say("loadFailed", { reason: exc.message });
    return;
  }
  buildQuestions();
  $("credential-form").addEventListener("submit", readCredential);
  $("credential-file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    $("credential").value = (await file.text()).trim();
    say("fileRead");
  });
  $("choose-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const marks = currentMarks();
    const problems = checkChoices(marks);
    if (problems.length) {
      say("errors", { count: problems.length });
      $("choose-errors").focus();
      return;
    }
    setBusy(true);
    encryptAndReview(marks);
  });
  $("cast").addEventListener("click", cast);
  $("audit").addEventListener("click", audit);
  $("change").addEventListener("click", () => {
    pending = null;
    show("step-choose");
  });
  $("audit-back").addEventListener("click", () => {
    setBusy(true);
    encryptAndReview(audited);
  });
  $("vote-again").addEventListener("click", () => show("step-choose"));
  root.hidden = false;
  show("step-credential");
  say("ready");
}

start();
