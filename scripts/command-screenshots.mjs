// command-screenshots.mjs — the command centre's pictures for README.md and docs/command.md, taken from a
// running demo (`make demo`) with the browser tests' Chromium:
//   node scripts/command-screenshots.mjs http://127.0.0.1:8080
// Writes docs/img/command.png (下陆区's command centre as its leader sees it, 1440×900) and
// docs/img/command-wall.png (the wall screen at 1920×1080).
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import fs from 'node:fs'
import path from 'node:path'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(path.join(root, 'web', 'package.json'))
const { chromium } = require('playwright-core')
const base = process.argv[2] || 'http://127.0.0.1:8080'
const out = path.join(root, 'docs', 'img')
fs.mkdirSync(out, { recursive: true })

async function login(page, user) {
  await page.goto(`${base}/login`)
  await page.getByLabel('用户名').fill(user)
  await page.getByLabel('密码', { exact: true }).fill('Demo-gridgov-2026')
  await page.getByRole('button', { name: '登录' }).click()
  await page.waitForURL((u) => u.pathname === '/')
}

async function ready(page) {
  await page.locator('path.gg-cmd-area').first().waitFor({ timeout: 60000 })
  await page.locator('.gg-cmd-cluster, .gg-cmd-case').first().waitFor({ timeout: 60000 })
  await page.getByTestId('command-chart-child').waitFor({ timeout: 60000 })
  await page.waitForTimeout(2500)
}

const browser = await chromium.launch({ executablePath: process.env.GG_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] })
try {
  const desk = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  await login(desk, 'xialu_leader')
  await desk.goto(`${base}/command`)
  await ready(desk)
  await desk.screenshot({ path: path.join(out, 'command.png'), fullPage: true })

  const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  await login(wall, 'xialu_leader')
  await wall.goto(`${base}/command/wall`)
  await wall.waitForURL((u) => u.searchParams.get('unit'))
  await ready(wall)
  await wall.screenshot({ path: path.join(out, 'command-wall.png') })
} finally {
  await browser.close()
}
