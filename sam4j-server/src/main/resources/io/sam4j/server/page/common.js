// What the image page (app.js) and the video page (video.js) share: requests with the token,
// the object list, point markers, downloads and the overlay painter.

export const $ = (id) => document.getElementById(id);
export const COLORS = [[30, 144, 255], [255, 99, 71], [50, 205, 50], [255, 215, 0],
  [186, 85, 211], [0, 206, 209], [255, 140, 0], [199, 21, 133]];

/** The i-th of many distinct colours: hues a golden angle apart, every other one darker. */
export function colorAt(i) {
  const h = ((210 + i * 137.508) % 360) / 60, x = 1 - Math.abs((h % 2) - 1);
  const rgb = [[1, x, 0], [x, 1, 0], [0, 1, x], [0, x, 1], [x, 0, 1], [1, 0, x]][Math.floor(h)];
  const top = i % 2 ? 190 : 255;
  return rgb.map((v) => Math.round(30 + (top - 30) * v));
}

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

/**
 * Fills the list with the objects: colour swatch, editable name, delete button; with toggle, a
 * show/hide box first (ob.hidden); an object with a score shows it after the name.
 */
export function renderObjectList(list, objects, current, { select, remove, removeTitle, toggle }) {
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
    if (toggle) {
      const shown = document.createElement("input");
      shown.type = "checkbox";
      shown.checked = !ob.hidden;
      shown.title = "Show (and export) this one";
      shown.onchange = () => toggle(i, shown.checked);
      li.append(shown);
    }
    li.append(sw, name);
    if (ob.score !== undefined) {
      const sc = document.createElement("span");
      sc.textContent = ob.score.toFixed(2);
      li.append(sc);
    }
    li.append(del);
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

/** A box [x0, y0, x1, y1] in image pixels, with an optional label on a tab above it. */
export function drawBox(g, box, css, width, { dash = [], label = null } = {}) {
  const lw = Math.max(2, width / 400);
  g.save();
  g.lineWidth = lw; g.strokeStyle = css; g.setLineDash(dash.map((d) => d * lw));
  g.strokeRect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
  if (label) {
    const size = Math.max(11, Math.round(width / 70));
    g.font = size + "px system-ui, sans-serif";
    const y = box[1] >= size + 4 ? box[1] - size - 4 : box[1];
    g.fillStyle = css; g.fillRect(box[0], y, g.measureText(label).width + 6, size + 4);
    g.fillStyle = "#fff"; g.textBaseline = "top"; g.fillText(label, box[0] + 3, y + 2);
  }
  g.restore();
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
