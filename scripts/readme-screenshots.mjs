// readme-screenshots.mjs — the README's pictures, taken from a running demo
// (`make demo`) with the same Chromium the browser tests use:
//   node scripts/readme-screenshots.mjs http://127.0.0.1:8080
// Writes docs/screenshot-map.png (下陆区's grids coloured by staffing, as its
// county dispatcher sees them), docs/screenshot-phone.png (a grid worker's
// residents on a phone), docs/screenshot-cases.png (the street dispatcher's
// case workbench) and docs/screenshot-case-phone.png (a case on a grid
// worker's phone, with its timeline and the actions they may take).
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(path.join(root, 'web', 'package.json'))
const { chromium } = require('playwright-core')
const base = process.argv[2] || 'http://127.0.0.1:8080'
const PASSWORD = 'Demo-gridgov-2026'

async function login(page, user) {
  await page.goto(`${base}/login`)
  await page.getByLabel('用户名').fill(user)
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: '登录' }).click()
  await page.waitForURL((u) => u.pathname === '/')
}

const browser = await chromium.launch({ executablePath: process.env.GG_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] })
try {
  const desk = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  await login(desk, 'xialu_dispatch')
  await desk.goto(`${base}/map`)
  await desk.locator('svg path').nth(50).waitFor({ timeout: 30000 }) // hundreds of grids drawn
  await desk.waitForTimeout(1000)
  await desk.screenshot({ path: path.join(root, 'docs', 'screenshot-map.png') })

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  await login(phone, 'grid_worker1')
  await phone.goto(`${base}/residents`)
  await phone.getByTestId('resident-card').first().waitFor({ timeout: 30000 }).catch(() => {})
  await phone.waitForTimeout(1000)
  await phone.screenshot({ path: path.join(root, 'docs', 'screenshot-phone.png') })

  const cases = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  await login(cases, 'tcs_dispatch')
  await cases.goto(`${base}/cases?box=all`)
  await cases.getByTestId('case-number').first().waitFor({ timeout: 30000 })
  await cases.waitForTimeout(500)
  await cases.screenshot({ path: path.join(root, 'docs', 'screenshot-cases.png') })

  await phone.goto(`${base}/cases?box=mine`)
  await phone.getByTestId('case-card').first().click({ timeout: 30000 })
  await phone.getByTestId('case-timeline').waitFor({ timeout: 30000 })
  await phone.waitForTimeout(1000)
  await phone.screenshot({ path: path.join(root, 'docs', 'screenshot-case-phone.png') })
} finally {
  await browser.close()
}
