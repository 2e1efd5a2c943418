// The sam4j video page: plain JavaScript modules, no build step. The state is window.sam4jVideo
// (tests read it). Masks per frame come from prompts and from the propagation stream
// (Server-Sent Events read from a fetch body, since EventSource cannot POST).
import { $, COLORS, api, call, json, download, renderObjectList, drawPoints, Overlay }
  from "./common.js";
import { RleMask } from "./masks.js";

const V = window.sam4jVideo = {
  videoId: null, session: null, frames: 0, width: 0, height: 0, frame: 0, objects: [],
  current: -1, prompts: {}, masks: {}, propagating: false, lastCorrection: null, propagated: 0,
  progress: null, lastPropagation: null, lastExport: null, bitmaps: {}, playing: null,
};
const status = (text) => { $("status").textContent = text; };
let overlay = null;

async function loadModels() {
  const body = await api("/v1/models");
  for (const m of body.models.filter((x) => x.video)) {
    const o = document.createElement("option");
    o.value = m.name;
    o.textContent = m.name + " (" + m.family + ")";
    $("model").appendChild(o);
  }
  if (!$("model").options.length) status("This server has no video model (SAM 2 family).");
}

async function openVideo(files) {
  files = Array.from(files);
  let body;
  const isVideo = (f) => /^video\//.test(f.type) || /\.(mp4|mov|mkv|webm|avi)$/i.test(f.name);
  if (files.length === 1 && isVideo(files[0])) {
    status("Uploading " + files[0].name + "...");
    body = await api("/v1/videos", { method: "POST", body: files[0],
      headers: { "Content-Type": files[0].type || "video/mp4" } });
  } else if (files.length === 1 && /\.zip$/i.test(files[0].name)) {
    status("Uploading " + files[0].name + "...");
    body = await api("/v1/videos", { method: "POST", body: files[0],
      headers: { "Content-Type": "application/zip" } });
  } else {
    const stem = (f) => parseInt(f.name.replace(/\.[^.]*$/, ""), 10);
    files.sort((a, b) => stem(a) - stem(b));
    const jpeg = { "Content-Type": "image/jpeg" };
    body = await api("/v1/videos", { method: "POST", body: files[0], headers: jpeg });
    for (let i = 1; i < files.length; i++) {
      status("Uploading frame " + i + " of " + files.length + "...");
      body = await api("/v1/videos/" + body.id + "/frames", { method: "POST", body: files[i],
        headers: jpeg });
    }
  }
  if (V.session) await call("/v1/sessions/" + V.session, { method: "DELETE" }).catch(() => {});
  const s = await api("/v1/sessions", json("POST", { video: body.id, model: $("model").value }));
  Object.assign(V, { videoId: body.id, session: s.id, frames: s.frames, width: s.width,
    height: s.height, frame: 0, objects: [], current: -1, prompts: {}, masks: {}, bitmaps: {},
    propagated: 0 });
  for (const c of [$("image"), $("overlay")]) { c.width = s.width; c.height = s.height; }
  $("timeline").max = String(s.frames - 1);
  $("drop-hint").hidden = true;
  newObject();
  await show(0);
  status(s.frames + " frames, " + s.width + "x" + s.height + ". Click on an object.");
}

async function bitmap(n) {
  if (!V.bitmaps[n]) {
    const res = await call("/v1/videos/" + V.videoId + "/frames/" + n);
    V.bitmaps[n] = await createImageBitmap(await res.blob());
  }
  return V.bitmaps[n];
}

async function show(n) {
  V.frame = n;
  $("timeline").value = String(n);
  $("frame-label").textContent = "frame " + n + " / " + (V.frames - 1);
  const b = await bitmap(n);
  if (V.frame === n) $("image").getContext("2d").drawImage(b, 0, 0, V.width, V.height);
  render();
}

function newObject() {
  const id = V.objects.reduce((m, o) => Math.max(m, o.id), 0) + 1;
  const n = V.objects.length;
  V.objects.push({ id, name: "object " + id, color: COLORS[n % COLORS.length] });
  V.current = n;
  render();
}

// one frame's answer {frame, objects: [{id, score, rle}]} into V.masks
function store(f) {
  const m = V.masks[f.frame] = V.masks[f.frame] || {};
  for (const o of f.objects) {
    m[o.id] = o.rle ? Object.assign(new RleMask(o.rle), { score: o.score }) : null;
  }
}

async function click(x, y, positive) {
  const o = V.objects[V.current];
  if (!o || !V.session || V.propagating) return;
  const key = o.id + "@" + V.frame;
  const pts = V.prompts[key] = (V.prompts[key] || []).concat([{ x, y, label: positive ? 1 : 0 }]);
  const f = await api("/v1/sessions/" + V.session + "/objects/" + o.id + "/prompts", json("POST",
    { frame: V.frame, points: pts.map((p) => [p.x, p.y]), labels: pts.map((p) => p.label) }));
  store(f);
  V.lastCorrection = f.frame;
  render();
  status("Frame " + f.frame + ": " + f.objects.length + " object(s). Propagate when ready.");
}

async function propagate() {
  if (!V.session || V.propagating) return;
  V.propagating = true;
  $("cancel").disabled = false;
  const reverse = $("reverse").checked;
  const body = { reverse, start_frame: reverse ? V.frame : null };
  try {
    const res = await call("/v1/sessions/" + V.session + "/propagate", json("POST", body));
    if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error || res.statusText);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let cut;
      while ((cut = buf.indexOf("\n\n")) >= 0) {
        const ev = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const name = (ev.match(/^event: (.*)$/m) || [])[1];
        const data = JSON.parse((ev.match(/^data: (.*)$/m) || [])[1] || "null");
        onEvent(name, data);
      }
    }
  } catch (e) {
    status("Propagation failed: " + e.message);
  } finally {
    V.propagating = false;
    $("cancel").disabled = true;
  }
}

function onEvent(name, data) {
  if (name === "start") {
    V.progress = { done: 0, total: data.total };
    $("progress").max = Math.max(1, data.total);
    $("progress").value = 0;
  } else if (name === "frame") {
    store(data);
    V.progress = { done: data.done, total: data.total };
    $("progress").value = data.done;
    show(data.frame);
    status("Tracking: " + data.done + " / " + data.total + " frames");
  } else if (name === "error") {
    status("Propagation stopped: " + data.error);
  } else if (name === "done") {
    V.propagated = data.frames;
    V.lastPropagation = data;
    status((data.cancelled ? "Cancelled after " : "Tracked ") + data.frames + " frames ("
      + data.fps.toFixed(2) + " frames/s). Scrub, play, correct or export.");
  }
}

function render() {
  const c = $("overlay");
  overlay = overlay || new Overlay(c);
  if (!V.session) { overlay.g.clearRect(0, 0, c.width, c.height); return; }
  overlay.begin();
  const m = V.masks[V.frame] || {};
  for (const o of V.objects) {
    if (m[o.id]) overlay.paint(m[o.id], o.color, 140);
  }
  overlay.end();
  for (const o of V.objects) drawPoints(overlay.g, V.prompts[o.id + "@" + V.frame] || [], c.width);
  renderObjectList($("objects"), V.objects, V.current, {
    select: (i) => { V.current = i; render(); },
    remove: (i) => removeObject(i).catch((e) => status(e.message)),
    removeTitle: "Remove this object from every frame",
  });
}

async function removeObject(i) {
  const ob = V.objects[i];
  const known = Object.values(V.masks).some((m) => ob.id in m);
  if (known) {
    const r = await api("/v1/sessions/" + V.session + "/objects/" + ob.id, { method: "DELETE" });
    r.frames.forEach(store);
  }
  for (const m of Object.values(V.masks)) delete m[ob.id];
  for (const k of Object.keys(V.prompts)) if (k.startsWith(ob.id + "@")) delete V.prompts[k];
  V.objects.splice(i, 1);
  if (!V.objects.length) newObject();
  V.current = Math.min(V.current, V.objects.length - 1);
  render();
}

async function clearFrame() {
  if (!V.session) return;
  const f = await api("/v1/sessions/" + V.session + "/prompts?frame=" + V.frame,
    { method: "DELETE" });
  store(f);
  for (const k of Object.keys(V.prompts)) if (k.endsWith("@" + V.frame)) delete V.prompts[k];
  render();
}

function play() {
  if (V.playing) {
    clearInterval(V.playing);
    V.playing = null;
    $("play").textContent = "Play";
    return;
  }
  $("play").textContent = "Pause";
  V.playing = setInterval(() => show((V.frame + 1) % Math.max(1, V.frames)), 100);
}

function exportJson() {
  const frames = Object.keys(V.masks).map(Number).sort((a, b) => a - b).map((f) => ({
    frame: f, objects: V.objects.filter((o) => V.masks[f][o.id]).map((o) => ({ id: o.id,
      name: o.name, score: V.masks[f][o.id].score, rle: V.masks[f][o.id].rle })),
  }));
  V.lastExport = { video: V.videoId, width: V.width, height: V.height, frames };
  download("masks.json", new Blob([JSON.stringify(V.lastExport)], { type: "application/json" }));
}

// one PNG per frame: pixel value = object id (0 background), later objects on top
async function exportPng() {
  const c = document.createElement("canvas");
  c.width = V.width; c.height = V.height;
  const g = c.getContext("2d");
  const names = [];
  for (const f of Object.keys(V.masks).map(Number).sort((a, b) => a - b)) {
    const img = g.createImageData(V.width, V.height), d = img.data;
    for (let i = 3; i < d.length; i += 4) d[i] = 255;
    for (const o of V.objects) {
      const r = V.masks[f][o.id];
      if (!r) continue;
      for (let i = 0; i < r.bits.length; i++) {
        if (r.bits[i]) d[4 * i] = d[4 * i + 1] = d[4 * i + 2] = o.id;
      }
    }
    g.putImageData(img, 0, 0);
    const name = "mask_" + String(f).padStart(5, "0") + ".png";
    download(name, await new Promise((res) => c.toBlob(res, "image/png")));
    names.push(name);
  }
  V.lastExport = { png: names };
}

function wire() {
  const fail = (e) => status("Error: " + e.message);
  $("video-file").onchange = (e) => e.target.files.length && openVideo(e.target.files).catch(fail);
  $("new-object").onclick = newObject;
  $("clear-frame").onclick = () => clearFrame().catch(fail);
  $("propagate").onclick = () => propagate();
  $("cancel").onclick = () => call("/v1/sessions/" + V.session + "/propagation",
    { method: "DELETE" });
  $("play").onclick = play;
  $("export-json").onclick = exportJson;
  $("export-png").onclick = () => exportPng().catch(fail);
  $("timeline").oninput = () => show(parseInt($("timeline").value, 10));
  const ov = $("overlay");
  ov.oncontextmenu = (e) => e.preventDefault();
  ov.onmousedown = (e) => {
    const r = ov.getBoundingClientRect();
    const x = (e.clientX - r.left) * V.width / r.width;
    const y = (e.clientY - r.top) * V.height / r.height;
    const positive = e.button === 0 && !e.shiftKey;
    click(Math.round(x * 10) / 10, Math.round(y * 10) / 10, positive).catch(fail);
  };
  const stage = $("stage");
  stage.ondragover = (e) => { e.preventDefault(); stage.classList.add("drag"); };
  stage.ondragleave = () => stage.classList.remove("drag");
  stage.ondrop = (e) => {
    e.preventDefault();
    stage.classList.remove("drag");
    if (e.dataTransfer.files.length) openVideo(e.dataTransfer.files).catch(fail);
  };
  loadModels().catch(fail);
}
wire();
