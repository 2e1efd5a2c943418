"use strict";
// COCO RLE (pycocotools' compressed string) to a row-major 0/1 mask.
window.Rle = {
  counts(s) {
    const cnts = [];
    let p = 0;
    while (p < s.length) {
      let x = 0, k = 0, more = 1;
      while (more) {
        const c = s.charCodeAt(p) - 48;
        x |= (c & 0x1f) << (5 * k);
        more = c & 0x20;
        p++;
        k++;
        if (!more && (c & 0x10)) x |= -1 << (5 * k);
      }
      if (cnts.length > 2) x += cnts[cnts.length - 2];
      cnts.push(x);
    }
    return cnts;
  },
  // {size: [h, w], counts: "..."} -> Uint8Array(h * w), row-major, 1 inside
  decode(rle) {
    const [h, w] = rle.size;
    const out = new Uint8Array(h * w);
    let idx = 0, v = 0;
    for (const c of Rle.counts(rle.counts)) {
      if (v) {
        for (let j = idx; j < idx + c; j++) out[(j % h) * w + Math.floor(j / h)] = 1;
      }
      idx += c;
      v ^= 1;
    }
    return out;
  },
};
