// Shared set-up for the browser tests (node --test tests/browser/).
//
// playwright-core comes from web/node_modules (one lockfile for the web app and
// its tests); the browser is Debian's Chromium, never a downloaded one.
//
// Environment (scripts/check.sh sets it after starting a server and creating
// the admin):
//   GG_BASE_URL        e.g. http://127.0.0.1:18080
//   GG_ADMIN_USER      default "admin"
//   GG_ADMIN_PASSWORD  required
//   GG_CHROMIUM        default /usr/bin/chromium
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import fs from 'node:fs'

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(path.join(here, '..', '..', 'web', 'package.json'))
const { chromium } = require('playwright-core')

export const BASE_URL = (process.env.GG_BASE_URL || '').replace(/\/+$/, '')
export const ADMIN_USER = process.env.GG_ADMIN_USER || 'admin'
export const ADMIN_PASSWORD = process.env.GG_ADMIN_PASSWORD || ''
export const ARTIFACTS = path.join(here, 'artifacts')

/** Reason to skip every test, or false when the environment is complete. */
export const skip =
  !BASE_URL || !ADMIN_PASSWORD ? 'set GG_BASE_URL and GG_ADMIN_PASSWORD (scripts/check.sh does) to run browser tests' : false

export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true }
export const DESKTOP = { viewport: { width: 1280, height: 800 } }

export function launch() {
  return chromium.launch({
    executablePath: process.env.GG_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/**
 * A fresh context (empty storage: no session, no saved language) and a page
 * that records what would break the app silently: uncaught exceptions and
 * Content-Security-Policy violations.  The browser's own language is English
 * on purpose — the app must still start in Chinese.
 */
export async function newPage(browser, options = DESKTOP) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    locale: 'en-US',
    timezoneId: 'Asia/Shanghai',
    ...options,
  })
  context.setDefaultTimeout(10_000)
  await context.addInitScript(() => {
    window.__cspViolations = []
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`)
    })
    // No transitions: Playwright waits for elements to stop moving before it
    // clicks, and every dialog's fade would cost that wait on a busy machine.
    // (Vue's <Transition> ends at once when the CSS has no duration.)
    document.addEventListener('DOMContentLoaded', () => {
      const style = document.createElement('style')
      style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }'
      document.head.appendChild(style)
    })
  })
  const page = await context.newPage()
  page.pageErrors = []
  page.on('pageerror', (err) => page.pageErrors.push(String(err)))
  return page
}

/** Uncaught errors and CSP violations seen so far on this page. */
export async function problems(page) {
  const csp = await page.evaluate(() => window.__cspViolations || []).catch(() => [])
  return [...page.pageErrors, ...csp.map((v) => `CSP: ${v}`)]
}

/** Fills the login form and submits it. */
export async function submitLogin(page, username, password) {
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.getByRole('button', { name: '登录' }).click()
}

/** Logs in as the admin and waits for the home page. */
export async function loginAsAdmin(page) {
  await page.goto('/login')
  await submitLogin(page, ADMIN_USER, ADMIN_PASSWORD)
  await page.waitForURL((u) => u.pathname === '/')
  await page.getByTestId('greeting').waitFor()
}

/** The logged-in user as the server describes them (same cookie as the page). */
export function fetchMe(page) {
  return page.evaluate(async () => (await fetch('/api/v1/me', { credentials: 'same-origin' })).json())
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  const file = path.join(ARTIFACTS, name)
  // From the top: a full-page shot of a scrolled page draws the sticky header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.screenshot({ path: file, fullPage: true })
  return file
}

/**
 * Calls the API from inside the page, with its session cookie and CSRF token
 * (for test set-up that is not what the test is about).  Resolves to
 * {status, body}.
 */
export function apiCall(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const headers = { Accept: 'application/json' }
      if (body !== undefined) headers['Content-Type'] = 'application/json'
      if (method !== 'GET') headers['X-CSRF-Token'] = sessionStorage.getItem('gg.csrf') || ''
      const res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      })
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : null }
    },
    { method, path, body },
  )
}

/** The body of an apiCall answer that must have the given status (201 unless said), else a failure showing it. */
export function ok(r, status = 201) {
  assert.equal(r.status, status, JSON.stringify(r.body))
  return r.body
}

/** A short random tag so names and codes do not collide with an earlier run on the same server. */
export function runTag() {
  return String(Math.floor(Math.random() * 90) + 10)
}

/**
 * Creates province > city > county (> street > community when deep) under the
 * admin's root grant through the API, with codes built the way real division
 * codes are (province 2 + city 2 + county 2 + street 3 + community 3 digits).
 * Retries with another province code if one is taken.
 */
export async function createSubtree(page, { deep = false, label = '' } = {}) {
  const me = await fetchMe(page)
  const root = me.grants.find((g) => g.role === 'admin').unit_id
  for (let attempt = 0; attempt < 5; attempt++) {
    const p2 = String(Math.floor(Math.random() * 90) + 10)
    const tag = `${label}${p2}`
    const mk = async (parent, level, code, name) => {
      const r = await apiCall(page, 'POST', '/api/v1/units', { parent_id: parent, level, code, name })
      if (r.status !== 201) throw Object.assign(new Error(`create ${level} ${code}: ${r.status} ${JSON.stringify(r.body)}`), r)
      return r.body
    }
    try {
      const province = await mk(root, 'province', `${p2}0000000000`, `测试省${tag}`)
      const city = await mk(province.id, 'city', `${p2}0100000000`, `测试市${tag}`)
      const county = await mk(city.id, 'county', `${p2}0102000000`, `测试区${tag}`)
      const out = { root, province, city, county, tag }
      if (deep) {
        out.street = await mk(county.id, 'street', `${p2}0102001000`, `幸福街道${tag}`)
        out.community = await mk(out.street.id, 'community', `${p2}0102001001`, `和平社区${tag}`)
      }
      return out
    } catch (err) {
      if (err.status !== 409) throw err
    }
  }
  throw new Error('could not find a free province code')
}

/** True when the page does not scroll sideways (phone layouts). */
export function noHorizontalScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
/** A valid resident ID number (GB 11643) for area 420204, the date (YYYYMMDD) and a 3-digit sequence. */
export function idNumber(date, seq) {
  const first = `420204${date}${String(seq).padStart(3, '0')}`
  const sum = [...first].reduce((s, d, i) => s + Number(d) * ID_WEIGHTS[i], 0)
  return first + '10X98765432'[sum % 11]
}
