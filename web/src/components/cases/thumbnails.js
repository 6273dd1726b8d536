// thumbnails.js — pictures made small in the browser: a thumbnail of a chosen file (before it is sent) or of
// an attachment's content (GET …/content), so a list of photos never downloads a phone's 5 MB originals into
// a 96 px box twice, and a large photo is sent scaled down (at most MAX_SIDE px, JPEG) when that saves bytes.
const THUMB_SIDE = 192
const MAX_SIDE = 2048

async function decode(blob) {
  if (typeof createImageBitmap === 'function') {
    try {
      return await createImageBitmap(blob, { imageOrientation: 'from-image' })
    } catch {
      /* fall back to an <img> */
    }
  }
  const url = URL.createObjectURL(blob)
  try {
    const img = new Image()
    img.src = url
    await img.decode()
    return img
  } finally {
    URL.revokeObjectURL(url)
  }
}

function draw(img, side) {
  const w = img.width || img.naturalWidth
  const h = img.height || img.naturalHeight
  const k = Math.min(1, side / Math.max(w, h))
  const canvas = document.createElement('canvas')
  canvas.width = Math.max(1, Math.round(w * k))
  canvas.height = Math.max(1, Math.round(h * k))
  canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height)
  return canvas
}

const toBlob = (canvas, type, q) => new Promise((resolve) => canvas.toBlob(resolve, type, q))

/** An object URL of a small JPEG of the picture (the caller revokes it), or '' when it cannot be decoded. */
export async function thumbnailUrl(blob) {
  try {
    const img = await decode(blob)
    const small = await toBlob(draw(img, THUMB_SIDE), 'image/jpeg', 0.8)
    if (img.close) img.close()
    return small ? URL.createObjectURL(small) : ''
  } catch {
    return ''
  }
}

/** The file to send: a large photo scaled to MAX_SIDE as JPEG when that is smaller, else the file itself. */
export async function shrinkForUpload(file) {
  if (!/^image\/(jpeg|png|webp)$/.test(file.type) || file.size < 1_500_000) return file
  try {
    const img = await decode(file)
    const w = img.width || img.naturalWidth
    const h = img.height || img.naturalHeight
    if (Math.max(w, h) <= MAX_SIDE && file.type === 'image/jpeg') return file
    const blob = await toBlob(draw(img, MAX_SIDE), 'image/jpeg', 0.85)
    if (img.close) img.close()
    if (!blob || blob.size >= file.size) return file
    return new File([blob], (file.name || 'photo').replace(/\.\w+$/, '') + '.jpg', { type: 'image/jpeg' })
  } catch {
    return file
  }
}

// The last CACHE_MAX attachments shown, by URL: the case page shows a photo in its 照片 card and again at
// its event in the timeline, and a page reloaded after an action shows them all again — one download each.
const CACHE_MAX = 60
const cache = new Map() // url → Promise<{thumb, full}>

/**
 * A thumbnail of an attachment's content: fetched with the session cookie, made small here; {thumb, full}
 * object URLs, owned by the cache (callers never revoke them).
 */
export function thumbnailOfUrl(url) {
  if (cache.has(url)) {
    const hit = cache.get(url)
    cache.delete(url) // most recent last
    cache.set(url, hit)
    return hit
  }
  const made = (async () => {
    const res = await fetch(url, { credentials: 'same-origin' })
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    const blob = await res.blob()
    return { thumb: await thumbnailUrl(blob), full: URL.createObjectURL(blob) }
  })()
  made.catch(() => cache.delete(url)) // a failure is asked again next time
  cache.set(url, made)
  while (cache.size > CACHE_MAX) {
    const [oldest, p] = cache.entries().next().value
    cache.delete(oldest)
    p.then((x) => {
      URL.revokeObjectURL(x.full)
      if (x.thumb) URL.revokeObjectURL(x.thumb)
    }, () => {})
  }
  return made
}
