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
  await page.screenshot({ path: file, fullPage: true })
  return file
}
