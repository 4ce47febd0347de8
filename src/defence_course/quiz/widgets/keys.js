// Keyboard for a quiz inside JupyterLab (issue 21), loaded by quiz/widgets/keyboard.py.
//
// 1. Keys a quiz uses stay in the quiz: JupyterLab listens for keydown on the document (bubbling)
//    and takes bare arrows, Space, Enter, Home and End as command-mode shortcuts (an arrow on a
//    radio moved to the next cell and scrolled the quiz away). They stop at the quiz's box.
// 2. One Tab stop per radio group (a single choice, or one row of a matching question), arrows
//    within it: the ARIA radio-group pattern, as a browser's own named radio groups behave. The
//    chosen option (else the first) is the group's Tab stop; an arrow moves to the next option
//    and chooses it, as a native radio group does. The choice reaches the kernel once, when the
//    arrows stop or the focus leaves the group: ipywidgets holds a model's update back while an
//    earlier one is in flight but sends a click at once, so three quick arrows then Check had
//    the kernel grade the option passed on the way.
// Nothing here builds HTML: it sets tabindex, role and aria attributes on ipywidgets' own inputs.

const KEPT = new Set(["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", " ",
  "Enter", "PageUp", "PageDown"]);
const NEXT = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };

function radios(group) {
  return [...group.querySelectorAll('input[type="radio"]')].filter((r) => !r.disabled);
}

// The group's one Tab stop: the chosen option, else the first; every other option is out of the
// Tab order (tabindex -1) but still reached by arrows.
function rove(root) {
  for (const group of root.querySelectorAll(".widget-radio-box")) {
    const options = radios(group);
    const stop = options.find((r) => r.checked) || options[0];
    for (const r of options) r.tabIndex = r === stop ? 0 : -1;
    group.setAttribute("role", "radiogroup");
    const title = group.parentElement?.querySelector(":scope > label.widget-label");
    if (title && title.textContent.trim()) group.setAttribute("aria-label", title.textContent.trim());
  }
}

const SETTLE_MS = 300;
let pending = null; // the option chosen by arrows, not yet sent to the kernel
let timer = 0;

function send() {
  clearTimeout(timer);
  const option = pending;
  pending = null;
  if (option && option.checked) option.click(); // ipywidgets' own click handler sends it
}

// Focus moving to another option of the same group is the arrows at work: wait for them.
function onFocusout(event) {
  if (pending && !pending.closest(".widget-radio-box")?.contains(event.relatedTarget)) send();
}

function onArrow(root, event) {
  const target = event.target;
  const group = target.closest?.(".widget-radio-box");
  if (!group || target.type !== "radio") return;
  const options = radios(group);
  const at = options.indexOf(target);
  let to = at;
  if (event.key in NEXT) to = (at + NEXT[event.key] + options.length) % options.length;
  else if (event.key === "Home") to = 0;
  else if (event.key === "End") to = options.length - 1;
  else return;
  event.preventDefault();
  const next = options[to];
  next.focus();
  next.checked = true; // shown at once (and unchecks the others below); sent when arrows stop
  for (const r of options) if (r !== next) r.checked = false;
  pending = next;
  clearTimeout(timer);
  timer = setTimeout(send, SETTLE_MS);
  rove(root);
}

function onKeydown(root, event) {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (!KEPT.has(event.key)) return;
  if (!(event.key in NEXT) && event.key !== "Home" && event.key !== "End") send();
  onArrow(root, event);
  // A text box keeps its caret keys and Enter (its own view sends Enter to the kernel first);
  // every key a quiz uses stops here, before JupyterLab's document-level shortcuts.
  event.stopPropagation();
}

function render({ el }) {
  el.classList.add("dc-keys");
  let root = null;
  let frame = 0;
  const keydown = (event) => onKeydown(root, event);
  const refresh = () => rove(root);
  const later = () => setTimeout(refresh, 0);
  const observer = new MutationObserver(refresh);
  const attach = () => {
    root = el.closest(".dc-quiz");
    if (!root) {
      frame = requestAnimationFrame(attach); // not in the page yet
      return;
    }
    root.addEventListener("keydown", keydown);
    root.addEventListener("focusout", onFocusout); // Tab to Check: the choice goes first
    // ipywidgets redraws options (and `checked`) after the kernel answers: keep one stop.
    root.addEventListener("focusin", refresh);
    root.addEventListener("click", later);
    observer.observe(root, { childList: true, subtree: true });
    rove(root);
  };
  attach();
  return () => {
    cancelAnimationFrame(frame);
    observer.disconnect();
    send();
    root?.removeEventListener("keydown", keydown);
    root?.removeEventListener("focusout", onFocusout);
    root?.removeEventListener("focusin", refresh);
    root?.removeEventListener("click", later);
  };
}

export default { render };
