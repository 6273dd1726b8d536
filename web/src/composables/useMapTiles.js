// useMapTiles — where the maps' background comes from.  The server decides
// (map_tiles, GET /api/v1/map/tiles; docs/operations.md "Map tiles"): "none"
// by default — no tile requests at all, the maps draw the units' borders as
// their base — or a tile template (天地图, a self-hosted server, OSM), whose
// hosts are the only ones the page's CSP lets images come from.  With tiles
// configured each user may still turn them off (the switch on the map,
// `?tiles=0` / `?tiles=1` in any URL), remembered in localStorage gg.mapTiles.
import { computed, ref, watch } from 'vue'
import { api } from '../api.js'

const KEY = 'gg.mapTiles'

function initial() {
  try {
    const q = new URLSearchParams(window.location.search).get('tiles')
    if (q === '0' || q === '1') localStorage.setItem(KEY, q)
    return localStorage.getItem(KEY) !== '0'
  } catch {
    return true
  }
}

// One source and one switch for every map on the page.
const source = ref(null) // null until the server answered; {mode: 'none'} | {mode: 'tiles', url, …}
const wanted = ref(initial())
watch(wanted, (on) => {
  try {
    localStorage.setItem(KEY, on ? '1' : '0')
  } catch {
    /* remembered for this page only */
  }
})

let asked = null
function ask() {
  if (!asked)
    asked = api.get('/api/v1/map/tiles').then(
      (s) => (source.value = s && s.mode === 'tiles' && s.url ? s : { mode: 'none' }),
      () => {
        asked = null // asked again by the next map
        source.value = { mode: 'none' }
      },
    )
  return asked
}

/**
 * {source, available, wanted, on, ready}: `available` — the server has tiles; `wanted` — the user's switch;
 * `on` — tiles are drawn; `ready` — a promise settled once the source is known.
 */
export function useMapTiles() {
  const ready = ask()
  const available = computed(() => !!source.value && source.value.mode === 'tiles')
  const on = computed(() => available.value && wanted.value)
  return { source, available, wanted, on, ready }
}

/** Attribution text as the HTML Leaflet's control expects: the setting is plain text. */
export function attributionHtml(text) {
  return String(text || '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
