// useMapTiles — whether maps load OpenStreetMap tiles.  On by default for real
// users; the boundaries and labels are drawn without them, so a map stays
// useful offline, in the test environment (no internet) or when the user turns
// them off.  `?tiles=0` / `?tiles=1` in any URL sets it and is remembered
// (localStorage gg.mapTiles), as is the switch on the map.
import { ref, watch } from 'vue'

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

// One switch for every map on the page.
const tiles = ref(initial())
watch(tiles, (on) => {
  try {
    localStorage.setItem(KEY, on ? '1' : '0')
  } catch {
    /* remembered for this page only */
  }
})

export function useMapTiles() {
  return tiles
}

/** Tile URL; the CSP allows exactly https://*.tile.openstreetmap.org. */
export const TILE_URL = 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png'
export const TILE_ATTRIBUTION = '© OpenStreetMap contributors'
