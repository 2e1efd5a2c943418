// The sam4j page: plain JavaScript modules, no build step. The state is window.sam4j (tests read
// it). Clicks ask for bit-packed masks ("format": "bits") and paint them without decoding RLE;
// S.format = "json" switches to the COCO RLE answers (the test compares both). A SAM 3 model
// ("concepts": true in /v1/models) swaps the click tools for the concept panel (concepts.js).
import { $, COLORS, api, call, json, download, renderObjectList, drawPoints, drawBox, Overlay }
  from "./common.js";
import { RleMask, readBits } from "./masks.js";
import { conceptPanel } from "./concepts.js";

const S = window.sam4j = {
  imageId: null, width: 0, height: 0, model: null, objects: [], current: -1,
  everything: null, hover: null, busy: false, latencies: [], timings: [], lastPrompt: null,
  lastExport: null, format: "bits", models: [], conceptMode: false,
  query: () => (S.model ? "?model=" + encodeURIComponent(S.model) : ""),
};

const status = (text) => { $("status").textContent = text; };
const modelQuery = S.query;
let overlay = null, clicks = 0, hoverAbort = null, dragBox = null, hoverTimer = null;
// a hover preview is asked for once the pointer rests this long: a pointer on its way to a click
// sends none, so the click's decode never shares the cores with a preview nobody will see
const HOVER_REST_MS = 60;
const concept = S.concept = conceptPanel(S, { status, render });

async function loadModels() {
  const body = await api("/v1/models");
  S.models = body.models;
  for (const m of body.models) {
    const o = document.createElement("option");
    o.value = m.name;
    o.textContent = m.name + " (" + m.family + ")";
    $("model").appendChild(o);
  }
  setModel(body.models[0].name);
}

// a concept model (SAM 3) shows the concept panel instead of the click tools
function setModel(name) {
  S.model = name;
  S.conceptMode = S.models.some((m) => m.name === name && m.concepts);
  document.body.classList.toggle("concept", S.conceptMode);
  render();
}
const hint = () => (S.conceptMode ? "Type a phrase (or drag example boxes) and Find."
  : "Click on an object.");

async function openImage(file) {
  status("Uploading and encoding " + file.name + "...");
  const bitmap = await createImageBitmap(file);
  const body = await api("/v1/images" + modelQuery(), {
    method: "POST", body: file, headers: { "Content-Type": file.type || "application/octet-stream" },
  });
  Object.assign(S, { imageId: body.id, width: body.width, height: body.height, objects: [],
    current: -1, everything: null, hover: null });
  concept.reset();
  for (const c of [$("image"), $("overlay"), $("marks")]) {
    c.width = body.width;
    c.height = body.height;
  }
  $("image").getContext("2d").drawImage(bitmap, 0, 0, body.width, body.height);
  $("drop-hint").hidden = true;
  newObject();
  status("Encoded in " + Math.round(body.encode_ms) + " ms. " + hint());
}

function newObject() {
  const n = S.objects.length;
  S.objects.push({ name: "object " + (n + 1), color: COLORS[n % COLORS.length], points: [],
    box: null, masks: [], chosen: 0, undo: [], redo: [], seq: 0 });
  S.current = n;
  render();
}
const cur = () => S.objects[S.current];

function edit(change) {
  const o = cur();
  o.undo.push({ points: o.points.slice(), box: o.box });
  o.redo = [];
  change(o);
  predict();
}
function undoRedo(from, to) {
  const o = cur();
  if (!o || !o[from].length || S.conceptMode) return;
  o[to].push({ points: o.points.slice(), box: o.box });
  Object.assign(o, o[from].pop());
  predict();
}

function promptOf(o, extra) {
  const pts = extra ? o.points.concat([extra]) : o.points;
  const p = { multimask: pts.length === 1 && !o.box };
  if (pts.length) {
    p.points = pts.map((q) => [q.x, q.y]);
    p.labels = pts.map((q) => q.label);
  }
  if (o.box) p.box = o.box;
  return p;
}

/**
 * One predict: masks (each with its iou) and the best index. Marks the times in t: headers
 * (answer started), body (all bytes in), decoded (masks ready to paint).
 */
async function fetchMasks(prompt, t, signal) {
  const bits = S.format === "bits";
  const res = await call("/v1/images/" + S.imageId + "/predict" + modelQuery(),
    json("POST", bits ? Object.assign({ format: "bits" }, prompt) : prompt, { signal }));
  t.headers = performance.now();
  t.server = {}; // "request;dur=0.4, decoder;dur=21.0, answer;dur=1.2" -> {request: 0.4, ...}
  for (const m of (res.headers.get("Server-Timing") || "").matchAll(/(\w+);dur=([\d.]+)/g)) {
    t.server[m[1]] = Number(m[2]);
  }
  if (!res.ok) {
    throw new Error((await res.json().catch(() => ({}))).error || res.statusText);
  }
  let head, masks;
  if (bits) {
    const r = readBits(await res.arrayBuffer());
    t.body = performance.now();
    head = r.header;
    masks = r.masks.map((m, i) => Object.assign(m, { iou: head.masks[i].iou }));
  } else {
    head = await res.json();
    t.body = performance.now();
    masks = head.masks.map((m) => Object.assign(new RleMask(m.rle), { iou: m.iou }));
    masks.forEach((m) => m.bits);
  }
  t.decoded = performance.now();
  return { masks, best: head.best, decoderMs: head.decoder_ms };
}

async function predict() {
  const o = cur();
  if (hoverAbort) hoverAbort.abort();
  S.hover = null;
  if (!o.points.length && !o.box) { o.masks = []; render(); return; }
  const p = promptOf(o);
  const t = { start: performance.now() };
  const mine = ++o.seq;
  clicks++;
  try {
    const r = await fetchMasks(p, t);
    if (mine !== o.seq) return; // a later edit of this object answers
    o.masks = r.masks;
    o.chosen = r.best;
    S.lastPrompt = p;
    render();
    const ms = performance.now() - t.start;
    S.latencies.push(ms);
    S.timings.push({ total: ms, wait: t.headers - t.start, body: t.body - t.headers,
      decode: t.decoded - t.body, draw: t.start + ms - t.decoded, server: t.server });
    $("latency").textContent = "click to mask " + ms.toFixed(0) + " ms (decoder "
      + r.decoderMs.toFixed(0) + " ms)";
  } catch (e) {
    status("Predict failed: " + e.message);
  } finally {
    clicks--;
  }
}

// the mask under the pointer; one at a time, never while a click waits, dropped by a click
async function hoverPreview(pt) {
  if (S.busy || clicks || !$("hover").checked || !S.imageId || S.conceptMode) return;
  S.busy = true;
  hoverAbort = new AbortController();
  try {
    const r = await fetchMasks(promptOf(cur(), Object.assign({ label: 1 }, pt)), {},
      hoverAbort.signal);
    if (!clicks) { S.hover = r.masks[r.best]; render(); }
  } catch (e) { S.hover = null; } finally { S.busy = false; hoverAbort = null; }
}

// masks on #overlay (nothing else, so its pixels are the masks), points and boxes on #marks
function render() {
  const c = $("overlay"), g = $("marks").getContext("2d");
  overlay = overlay || new Overlay(c);
  g.clearRect(0, 0, c.width, c.height);
  if (!S.imageId) { overlay.g.clearRect(0, 0, c.width, c.height); return; }
  overlay.begin();
  if (S.conceptMode) {
    concept.paint(overlay);
  } else {
    (S.everything || []).forEach((m, i) => overlay.paint(m, COLORS[i % COLORS.length], 110));
    S.objects.forEach((o) => {
      if (o.masks.length) overlay.paint(o.masks[o.chosen], o.color, 140);
    });
    if (S.hover) overlay.paint(S.hover, [255, 255, 255], 90);
  }
  overlay.end();
  if (S.conceptMode) {
    concept.drawMarks(g, c.width, dragBox);
    concept.renderList();
    return;
  }
  const o = cur();
  if (o) {
    drawPoints(g, o.points, c.width);
    const box = dragBox || o.box;
    if (box) drawBox(g, box, "#0f0", c.width);
  }
  renderLists();
}

function renderLists() {
  const cand = $("candidates");
  cand.replaceChildren();
  const o = cur();
  (o ? o.masks : []).forEach((m, i) => {
    const b = document.createElement("button");
    b.textContent = "mask " + (i + 1) + "  IoU " + m.iou.toFixed(3);
    b.className = i === o.chosen ? "chosen" : "";
    b.onclick = () => { o.chosen = i; render(); };
    cand.appendChild(b);
  });
  renderObjectList($("objects"), S.objects, S.current, {
    select: (i) => { S.current = i; render(); },
    remove: (i) => {
      S.objects.splice(i, 1);
      if (i < S.current) S.current--;
      if (!S.objects.length) newObject();
      S.current = Math.min(S.current, S.objects.length - 1);
      render();
    },
    removeTitle: "Delete this object",
  });
}

function imagePoint(ev) {
  const r = $("overlay").getBoundingClientRect();
  const x = (ev.clientX - r.left) * S.width / r.width;
  const y = (ev.clientY - r.top) * S.height / r.height;
  return { x: Math.min(Math.max(x, 0), S.width), y: Math.min(Math.max(y, 0), S.height) };
}

let down = null;
function wireCanvas() {
  const c = $("overlay");
  c.addEventListener("contextmenu", (ev) => ev.preventDefault());
  c.addEventListener("mousedown", (ev) => {
    if (!S.imageId) return;
    down = imagePoint(ev);
    clearTimeout(hoverTimer);
    if (hoverAbort) hoverAbort.abort(); // the click goes first
  });
  c.addEventListener("mousemove", (ev) => {
    if (!S.imageId) return;
    const p = imagePoint(ev);
    if (!down) {
      clearTimeout(hoverTimer);
      hoverTimer = setTimeout(() => hoverPreview(p), HOVER_REST_MS);
      return;
    }
    const w = Math.abs(p.x - down.x), h = Math.abs(p.y - down.y);
    if (w + h > 6 * S.width / c.getBoundingClientRect().width) {
      dragBox = [Math.min(down.x, p.x), Math.min(down.y, p.y), Math.max(down.x, p.x),
        Math.max(down.y, p.y)];
      render();
    }
  });
  c.addEventListener("mouseleave", () => {
    if (down) { down = null; dragBox = null; render(); }
  });
  c.addEventListener("mouseup", (ev) => {
    if (!down) return;
    const start = down, box = dragBox;
    down = null;
    dragBox = null;
    S.hover = null;
    if (S.conceptMode) {
      if (box) concept.addBox(box, ev.button === 2 || ev.shiftKey);
      else render();
    } else if (box) {
      edit((o) => { o.box = box; });
    } else {
      const label = ev.button === 2 || ev.shiftKey ? 0 : 1;
      edit((o) => { o.points.push({ x: start.x, y: start.y, label }); });
    }
  });
}

async function everything() {
  if (!S.imageId) return;
  const opts = { points_per_side: Number($("pps").value),
    pred_iou_thresh: Number($("iou-thresh").value),
    stability_score_thresh: Number($("stability-thresh").value) };
  status("Segmenting everything...");
  $("progress").hidden = false;
  const poll = setInterval(async () => {
    try {
      const p = await api("/v1/images/" + S.imageId + "/progress");
      if (p.total) $("progress").value = p.done / p.total;
    } catch (e) { /* the answer comes anyway */ }
  }, 300);
  try {
    const body = await api("/v1/images/" + S.imageId + "/everything" + modelQuery(),
      json("POST", opts));
    S.everything = body.records.map((r) => new RleMask(r.segmentation));
    S.everythingRecords = body.records;
    status(body.records.length + " masks in " + Math.round(body.elapsed_ms) + " ms.");
    render();
  } catch (e) {
    status("Everything failed: " + e.message);
  } finally {
    clearInterval(poll);
    $("progress").hidden = true;
  }
}

// the objects and everything's records, or the concept panel's visible instances (with scores)
async function exportAs(format) {
  const objects = S.conceptMode ? concept.exportObjects() : S.objects.filter((o) => o.masks.length)
    .map((o) => ({ name: o.name, rle: o.masks[o.chosen].rle }));
  (S.conceptMode ? [] : S.everythingRecords || []).forEach((r, i) =>
    objects.push({ name: "everything " + (i + 1), rle: r.segmentation }));
  try {
    const body = await api("/v1/images/" + S.imageId + "/export",
      json("POST", { objects: objects.map((o) => ({ name: o.name, rle: o.rle })), format }));
    (body.annotations || []).forEach((a, i) => {
      if (objects[i].score !== undefined) a.score = objects[i].score;
    });
    S.lastExport = body;
    if (format === "coco") {
      download("sam4j-coco.json", new Blob([JSON.stringify(body)], { type: "application/json" }));
    } else {
      const bytes = Uint8Array.from(atob(body.png), (ch) => ch.charCodeAt(0));
      download("sam4j-labels.png", new Blob([bytes], { type: "image/png" }));
    }
    status("Exported " + objects.length + " objects.");
  } catch (e) {
    status("Export failed: " + e.message);
  }
}

function wire() {
  $("file").addEventListener("change", (ev) => {
    if (ev.target.files[0]) openImage(ev.target.files[0]).catch((e) => status(e.message));
  });
  const stage = $("stage");
  stage.addEventListener("dragover", (ev) => { ev.preventDefault(); stage.classList.add("drag"); });
  stage.addEventListener("dragleave", () => stage.classList.remove("drag"));
  stage.addEventListener("drop", (ev) => {
    ev.preventDefault();
    stage.classList.remove("drag");
    const f = ev.dataTransfer.files[0];
    if (f) openImage(f).catch((e) => status(e.message));
  });
  $("model").addEventListener("change", (ev) => setModel(ev.target.value));
  $("new-object").onclick = () => S.imageId && newObject();
  $("undo").onclick = () => undoRedo("undo", "redo");
  $("redo").onclick = () => undoRedo("redo", "undo");
  $("everything").onclick = everything;
  $("export-coco").onclick = () => exportAs("coco");
  $("export-png").onclick = () => exportAs("png");
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey && ev.key === "z") undoRedo("undo", "redo");
    if (ev.ctrlKey && ev.key === "y") undoRedo("redo", "undo");
  });
  wireCanvas();
  loadModels().then(() => status("Open an image. " + hint()),
    (e) => status("Server: " + e.message));
}
wire();
