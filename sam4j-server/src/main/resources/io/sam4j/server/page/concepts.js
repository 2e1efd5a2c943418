// The concept panel of the image page, for SAM 3 models: a phrase and/or example boxes (dragged
// on the image, positive or negative), a score threshold, Find -> every instance, drawn with its
// own colour, box, label and score, listed to show/hide or delete, exported like objects.
// app.js owns the image, the canvases and the mouse; this module owns window.sam4j.concept.
import { $, colorAt, api, json, renderObjectList, drawBox } from "./common.js";
import { RleMask } from "./masks.js";

/**
 * The panel for page state S (imageId, width, query() = "?model=..."); status(text) and
 * render() are the page's.
 */
export function conceptPanel(S, { status, render }) {
  const C = { instances: [], boxes: [], request: null, answer: null, answers: 0, seq: 0 };
  const round = (v) => Math.round(v * 10) / 10;

  async function find() {
    if (!S.imageId) { status("Open an image first."); return; }
    const text = $("phrase").value.trim();
    if (!text && !C.boxes.length) {
      status("Type a phrase or drag a box around an example.");
      return;
    }
    const body = { threshold: Number($("threshold").value) };
    if (text) body.text = text;
    if (C.boxes.length) {
      body.boxes = C.boxes.map((b) => b.box.map(round));
      body.box_labels = C.boxes.map((b) => b.positive);
    }
    C.request = body;
    const mine = ++C.seq, t0 = performance.now();
    status("Finding " + (text ? "\"" + text + "\"" : "the examples") + "...");
    try {
      const a = await api("/v1/images/" + S.imageId + "/concepts" + S.query(), json("POST", body));
      if (mine !== C.seq) return; // a later Find answers
      C.answer = a;
      C.answers++;
      C.instances = a.instances.map((r, i) => ({ name: r.label, score: r.score, box: r.box_xyxy,
        color: colorAt(i), mask: new RleMask(r.segmentation), hidden: false }));
      status(a.instances.length + " instance(s) of \"" + a.label + "\" in "
        + Math.round(performance.now() - t0) + " ms (decoder " + Math.round(a.decoder_ms)
        + " ms).");
      render();
    } catch (e) {
      status("Find failed: " + e.message);
    }
  }

  /** A dragged example box; a line or a dot is no box. */
  function addBox(box, negative) {
    if (!(box[2] - box[0] >= 1 && box[3] - box[1] >= 1)) return;
    C.boxes.push({ box, positive: !(negative || $("negative").checked) });
    render();
    status(C.boxes.length + " example box(es). Find when ready.");
  }

  /** Masks on the overlay, visible instances only, later instances over earlier ones. */
  function paint(overlay) {
    for (const ins of C.instances) if (!ins.hidden) overlay.paint(ins.mask, ins.color, 140);
  }

  /** Instance boxes with label and score, the example boxes (green yes, red dashed no). */
  function drawMarks(g, width, dragBox) {
    for (const ins of C.instances) {
      if (!ins.hidden) {
        drawBox(g, ins.box, "rgb(" + ins.color.join(",") + ")", width,
          { label: ins.name + " " + ins.score.toFixed(2) });
      }
    }
    for (const b of C.boxes) {
      drawBox(g, b.box, b.positive ? "#0c0" : "#e00", width, { dash: b.positive ? [] : [3, 2] });
    }
    if (dragBox) drawBox(g, dragBox, "#fff", width, { dash: [2, 2] });
  }

  function renderList() {
    renderObjectList($("instances"), C.instances, -1, {
      select: () => {},
      toggle: (i, shown) => { C.instances[i].hidden = !shown; render(); },
      remove: (i) => { C.instances.splice(i, 1); render(); },
      removeTitle: "Delete this instance",
    });
  }

  /** The visible instances for the export route, with their scores. */
  const exportObjects = () => C.instances.filter((ins) => !ins.hidden)
    .map((ins) => ({ name: ins.name, rle: ins.mask.rle, score: ins.score }));

  /** A new image: no instances, no example boxes. */
  function reset() {
    Object.assign(C, { instances: [], boxes: [], answer: null });
    C.seq++;
  }

  $("find").onclick = find;
  $("phrase").addEventListener("keydown", (ev) => { if (ev.key === "Enter") find(); });
  $("threshold").addEventListener("input", () => {
    $("threshold-value").textContent = Number($("threshold").value).toFixed(2);
  });
  $("threshold").addEventListener("change", () => { if (C.answer) find(); });
  $("clear-examples").onclick = () => { C.boxes = []; render(); };
  return Object.assign(C, { find, addBox, paint, drawMarks, renderList, exportObjects, reset });
}
