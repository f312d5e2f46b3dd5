// The chat page's own behaviour, added to Gradio's page head (no network, no framework).
(() => {
  // Gradio labels each message with its raw HTML source ("bot's message: <p>..."), which screen
  // readers would read out tag by tag; dropping the label lets them read the rendered message.
  const labelled = '#lga-chat [data-testid="bot"][aria-label], #lga-chat [data-testid="user"][aria-label]';
  const fix = () => {
    document.querySelectorAll(labelled).forEach((el) => el.removeAttribute("aria-label"));
    // The question box is described by the hint under it ("Press Enter to send...").
    const box = document.querySelector("#lga-question textarea");
    if (box && !box.hasAttribute("aria-describedby")) box.setAttribute("aria-describedby", "lga-question-hint");
  };
  new MutationObserver(fix).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["aria-label"],
  });

  // Enter sends the question; Shift+Enter makes a new line (Gradio's multi-line box does the
  // opposite). Capturing on the document runs before Gradio's own handler on the box.
  const inQuestion = (el) => el instanceof HTMLTextAreaElement && el.closest("#lga-question");
  const onEnter = (ev) => {
    if (ev.key !== "Enter" || !inQuestion(ev.target) || ev.isComposing) return;
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    ev.stopPropagation();
    if (ev.shiftKey) return; // the browser's default: a new line
    ev.preventDefault();
    if (ev.type === "keydown") document.querySelector("#lga-ask")?.click();
  };
  document.addEventListener("keydown", onEnter, true);
  document.addEventListener("keypress", onEnter, true);

  // An [n] marker opens its source (in the same answer) and moves focus to it; the skip link
  // under the question box goes to the first source of the latest answer. Links, so Tab and
  // Enter reach and follow them.
  const showSource = (details, open) => {
    if (open) details.open = true;
    details.scrollIntoView({ block: "center" });
    details.querySelector("summary")?.focus({ preventScroll: true });
  };
  document.addEventListener("click", (ev) => {
    const link = ev.target instanceof Element ? ev.target.closest("a.lga-cite, a.lga-skip-sources") : null;
    if (!link) return;
    ev.preventDefault();
    ev.stopPropagation();
    if (link.classList.contains("lga-cite")) {
      // Each answer's sources have their own ids (the answer's id is in them).
      const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (target instanceof HTMLDetailsElement) showSource(target, true);
      return;
    }
    const answers = document.querySelectorAll("#lga-chat .lga-answer");
    const first = answers[answers.length - 1]?.querySelector("details.lga-source");
    if (first) showSource(first, false);
  }, true);

  // A question asked while another is answered waits its turn on the server; list it here
  // from the moment it is asked, until it shows in the conversation.
  const waiting = []; // {text, seen}: shown in the chat "seen" times before it was asked
  const norm = (t) => (t || "").replace(/\s+/g, " ").trim();
  const timesShown = (text) =>
    Array.from(document.querySelectorAll("#lga-chat .lga-question"))
      .filter((q) => norm(q.textContent) === text).length;
  const renderWaiting = () => {
    const box = document.getElementById("lga-waiting");
    if (!box) return;
    // A question leaves the list once the chat shows it once more than when it was asked.
    for (let i = waiting.length - 1; i >= 0; i--) {
      if (timesShown(waiting[i].text) > waiting[i].seen) waiting.splice(i, 1);
    }
    // Redraw only on a change: the redraw is itself a mutation the observer sees.
    const key = waiting.map((w) => w.text).join("\n");
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    box.replaceChildren();
    if (!waiting.length) { box.className = ""; return; } // no empty styled box left behind
    const heading = document.createElement("p");
    heading.className = "lga-heading";
    heading.textContent = "Waiting to be answered, in turn";
    const list = document.createElement("ol");
    list.className = "lga-waiting__list";
    for (const w of waiting) {
      const item = document.createElement("li");
      item.textContent = w.text; // text, never HTML
      list.append(item);
    }
    box.className = "lga-waiting";
    box.append(heading, list);
  };
  const ask = (text) => {
    text = norm(text);
    if (!text) return;
    // the same question asked again while an earlier copy waits needs one more showing
    const earlier = waiting.filter((w) => w.text === text).length;
    waiting.push({ text, seen: timesShown(text) + earlier });
    renderWaiting();
  };
  document.addEventListener("click", (ev) => {
    const el = ev.target instanceof Element ? ev.target.closest("#lga-ask, button.lga-example, #lga-clear") : null;
    if (!el) return;
    if (el.id === "lga-clear") { waiting.length = 0; setTimeout(renderWaiting, 0); return; }
    ask(el.id === "lga-ask" ? document.querySelector("#lga-question textarea")?.value : el.textContent);
  }, true);
  // (Enter in the question box clicks Ask, above, so it is counted here once.)
  new MutationObserver(renderWaiting).observe(document.documentElement, { subtree: true, childList: true });
})();
