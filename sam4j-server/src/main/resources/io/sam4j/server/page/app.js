"use strict";
// The sam4j page: plain JavaScript, no build step. The state is window.sam4j (tests read it).
const $ = (id) => document.getElementById(id);
const COLORS = [[30, 144, 255], [255, 99, 71], [50, 205, 50], [255, 215, 0], [186, 85, 211],
  [0, 206, 209], [255, 140, 0], [199, 21, 133]];
const S = window.sam4j = {
  imageId: null, width: 0, height: 0, model: null, objects: [], current: -1,
  everything: null, hover: null, busy: false, latencies: [], lastPrompt: null, lastExport: null,
  token: new URLSearchParams(location.hash.slice(1)).get("token"),
};

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (S.token) headers.Authorization = "Bearer " + S.token;
  const res = await fetch(path, Object.assign({}, options, { headers }));
  const body = await res.json().catch(() => ({ error: "answer is not JSON" }));
  if (res.status === 401 && !options.retried) {
    S.token = prompt("This server needs its token:");
    if (S.token) return api(path, Object.assign({}, options, { retried: true }));
  }
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}
const status = (text) => { $("status").textContent = text; };
const modelQuery = () => (S.model ? "?model=" + encodeURIComponent(S.model) : "");

async function loadModels() {
  const body = await api("/v1/models");
  for (const m of body.models) {
    const o = document.createElement("option");
    o.value = m.name;
    o.textContent = m.name + " (" + m.family + ")";
    $("model").appendChild(o);
  }
  S.model = body.models[0].name;
}

async function openImage(file) {
  status("Uploading and encoding " + file.name + "...");
  const bitmap = await createImageBitmap(file);
  const body = await api("/v1/images" + modelQuery(), {
    method: "POST", body: file, headers: { "Content-Type": file.type || "application/octet-stream" },
  });
  Object.assign(S, { imageId: body.id, width: body.width, height: body.height, objects: [],
    current: -1, everything: null, hover: null });
  for (const c of [$("image"), $("overlay")]) { c.width = body.width; c.height = body.height; }
  $("image").getContext("2d").drawImage(bitmap, 0, 0, body.width, body.height);
  $("drop-hint").hidden = true;
  newObject();
  status("Encoded in " + Math.round(body.encode_ms) + " ms. Click on an object.");
}

function newObject() {
  const n = S.objects.length;
  S.objects.push({ name: "object " + (n + 1), color: COLORS[n % COLORS.length], points: [],
    box: null, masks: [], chosen: 0, undo: [], redo: [] });
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
  if (!o || !o[from].length) return;
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

async function predict() {
  const o = cur();
  if (!o.points.length && !o.box) { o.masks = []; render(); return; }
  const p = promptOf(o);
  const t0 = performance.now();
  S.busy = true;
  try {
    const body = await api("/v1/images/" + S.imageId + "/predict" + modelQuery(),
      { method: "POST", body: JSON.stringify(p), headers: { "Content-Type": "application/json" } });
    o.masks = body.masks.map((m) => ({ iou: m.iou, rle: m.rle, bits: Rle.decode(m.rle) }));
    o.chosen = body.best;
    S.lastPrompt = p;
    render();
    const ms = performance.now() - t0;
    S.latencies.push(ms);
    $("latency").textContent = "click to mask " + ms.toFixed(0) + " ms (decoder "
      + body.decoder_ms.toFixed(0) + " ms)";
  } catch (e) {
    status("Predict failed: " + e.message);
  } finally {
    S.busy = false;
  }
}

async function hoverPreview(pt) {
  if (S.busy || !$("hover").checked || !S.imageId) return;
  S.busy = true;
  try {
    const body = await api("/v1/images/" + S.imageId + "/predict" + modelQuery(), {
      method: "POST", body: JSON.stringify(promptOf(cur(), Object.assign({ label: 1 }, pt))),
      headers: { "Content-Type": "application/json" } });
    S.hover = Rle.decode(body.masks[body.best].rle);
    render();
  } catch (e) { S.hover = null; } finally { S.busy = false; }
}

function paint(img, bits, color, alpha) {
  const d = img.data;
  for (let i = 0; i < bits.length; i++) {
    if (bits[i]) {
      d[4 * i] = color[0]; d[4 * i + 1] = color[1]; d[4 * i + 2] = color[2]; d[4 * i + 3] = alpha;
    }
  }
}

function render() {
  const c = $("overlay"), g = c.getContext("2d");
  g.clearRect(0, 0, c.width, c.height);
  if (!S.imageId) return;
  const img = g.createImageData(c.width, c.height);
  if (S.everything) S.everything.forEach((b, i) => paint(img, b, COLORS[i % COLORS.length], 110));
  S.objects.forEach((o) => {
    if (o.masks.length) paint(img, o.masks[o.chosen].bits, o.color, 140);
  });
  if (S.hover) paint(img, S.hover, [255, 255, 255], 90);
  g.putImageData(img, 0, 0);
  const o = cur();
  if (o) {
    const r = Math.max(3, c.width / 200);
    for (const p of o.points) {
      g.beginPath(); g.arc(p.x, p.y, r, 0, 2 * Math.PI);
      g.fillStyle = p.label ? "#0c0" : "#e00"; g.fill();
      g.lineWidth = r / 3; g.strokeStyle = "#fff"; g.stroke();
    }
    const box = o.dragBox || o.box;
    if (box) {
      g.lineWidth = Math.max(2, c.width / 400); g.strokeStyle = "#0f0";
      g.strokeRect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
    }
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
  const list = $("objects");
  list.replaceChildren();
  S.objects.forEach((ob, i) => {
    const li = document.createElement("li");
    li.className = i === S.current ? "current" : "";
    const sw = document.createElement("span");
    sw.className = "swatch";
    sw.style.background = "rgb(" + ob.color.join(",") + ")";
    const name = document.createElement("input");
    name.value = ob.name;
    name.onchange = () => { ob.name = name.value; };
    name.onfocus = () => { if (S.current !== i) { S.current = i; render(); } };
    const del = document.createElement("button");
    del.textContent = "✕";
    del.title = "Delete this object";
    del.onclick = () => {
      S.objects.splice(i, 1);
      if (i < S.current) S.current--;
      if (!S.objects.length) newObject();
      S.current = Math.min(S.current, S.objects.length - 1);
      render();
    };
    li.append(sw, name, del);
    list.appendChild(li);
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
  c.addEventListener("mousedown", (ev) => { if (S.imageId) down = imagePoint(ev); });
  c.addEventListener("mousemove", (ev) => {
    if (!S.imageId) return;
    const p = imagePoint(ev);
    if (!down) { hoverPreview(p); return; }
    const w = Math.abs(p.x - down.x), h = Math.abs(p.y - down.y);
    if (w + h > 6 * S.width / c.getBoundingClientRect().width) {
      cur().dragBox = [Math.min(down.x, p.x), Math.min(down.y, p.y), Math.max(down.x, p.x),
        Math.max(down.y, p.y)];
      render();
    }
  });
  c.addEventListener("mouseleave", () => {
    if (down) { down = null; delete cur().dragBox; render(); }
  });
  c.addEventListener("mouseup", (ev) => {
    if (!down) return;
    const start = down, box = cur().dragBox;
    down = null;
    delete cur().dragBox;
    S.hover = null;
    if (box) {
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
      { method: "POST", body: JSON.stringify(opts), headers: { "Content-Type": "application/json" } });
    S.everything = body.records.map((r) => Rle.decode(r.segmentation));
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

function download(name, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function exportAs(format) {
  const objects = S.objects.filter((o) => o.masks.length)
    .map((o) => ({ name: o.name, rle: o.masks[o.chosen].rle }));
  (S.everythingRecords || []).forEach((r, i) =>
    objects.push({ name: "everything " + (i + 1), rle: r.segmentation }));
  try {
    const body = await api("/v1/images/" + S.imageId + "/export", { method: "POST",
      body: JSON.stringify({ objects, format }), headers: { "Content-Type": "application/json" } });
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
  $("model").addEventListener("change", (ev) => { S.model = ev.target.value; });
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
  loadModels().then(() => status("Open an image."), (e) => status("Server: " + e.message));
}
wire();
