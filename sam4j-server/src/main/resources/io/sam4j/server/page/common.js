// What the image page (app.js) and the video page (video.js) share: requests with the token,
// the object list, point markers, downloads and the overlay painter.

export const $ = (id) => document.getElementById(id);
export const COLORS = [[30, 144, 255], [255, 99, 71], [50, 205, 50], [255, 215, 0],
  [186, 85, 211], [0, 206, 209], [255, 140, 0], [199, 21, 133]];

/** The token from the page's address (#token=T), asked for again on a 401. */
export const auth = { token: new URLSearchParams(location.hash.slice(1)).get("token") };

/** fetch with the token; a 401 asks for the token once and retries. */
export async function call(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (auth.token) headers.Authorization = "Bearer " + auth.token;
  const res = await fetch(path, Object.assign({}, options, { headers }));
  if (res.status === 401 && !options.retried) {
    auth.token = prompt("This server needs its token:");
    if (auth.token) return call(path, Object.assign({}, options, { retried: true }));
  }
  return res;
}

/** A JSON call: the parsed answer, or an Error with the server's message. */
export async function api(path, options = {}) {
  const res = await call(path, options);
  const body = await res.json().catch(() => ({ error: "answer is not JSON" }));
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

/** fetch options for a JSON body. */
export const json = (method, body, extra = {}) => Object.assign({ method,
  body: body === undefined ? undefined : JSON.stringify(body),
  headers: { "Content-Type": "application/json" } }, extra);

export function download(name, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Fills the list with the objects: colour swatch, editable name, delete button. */
export function renderObjectList(list, objects, current, { select, remove, removeTitle }) {
  list.replaceChildren();
  objects.forEach((ob, i) => {
    const li = document.createElement("li");
    li.className = i === current ? "current" : "";
    const sw = document.createElement("span");
    sw.className = "swatch";
    sw.style.background = "rgb(" + ob.color.join(",") + ")";
    const name = document.createElement("input");
    name.value = ob.name;
    name.onchange = () => { ob.name = name.value; };
    name.onfocus = () => { if (current !== i) select(i); };
    const del = document.createElement("button");
    del.textContent = "✕";
    del.title = removeTitle;
    del.onclick = () => remove(i);
    li.append(sw, name, del);
    list.appendChild(li);
  });
}

/** Click markers: green for the object, red for the background. */
export function drawPoints(g, points, width) {
  const r = Math.max(3, width / 200);
  for (const p of points) {
    g.beginPath(); g.arc(p.x, p.y, r, 0, 2 * Math.PI);
    g.fillStyle = p.label ? "#0c0" : "#e00"; g.fill();
    g.lineWidth = r / 3; g.strokeStyle = "#fff"; g.stroke();
  }
}

/**
 * Paints masks on a canvas through one reused ImageData, a pixel per 32-bit word: begin(),
 * paint(mask, rgb, alpha) for each mask (PackedMask or anything with row-major bits), end().
 */
export class Overlay {
  constructor(canvas) {
    Object.assign(this, { canvas, g: canvas.getContext("2d"), img: null, px: null });
  }
  begin() {
    const c = this.canvas;
    if (!this.img || this.img.width !== c.width || this.img.height !== c.height) {
      this.img = this.g.createImageData(c.width, c.height);
      this.px = new Uint32Array(this.img.data.buffer);
    } else {
      this.px.fill(0);
    }
  }
  paint(mask, rgb, alpha) {
    // ImageData is RGBA in memory: a little-endian word reads ABGR
    const v = ((alpha << 24) | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0]) >>> 0, px = this.px;
    if (mask.packed) {
      const p = mask.packed;
      for (let b = 0; b < p.length; b++) {
        const bits = p[b];
        if (!bits) continue;
        const i = b << 3;
        if (bits === 255) { px.fill(v, i, i + 8); continue; }
        for (let k = 0; k < 8; k++) if (bits & (128 >> k)) px[i + k] = v;
      }
    } else {
      const bits = mask.bits;
      for (let i = 0; i < bits.length; i++) if (bits[i]) px[i] = v;
    }
  }
  end() {
    this.g.putImageData(this.img, 0, 0);
  }
}
