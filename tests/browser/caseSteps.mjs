// Shared steps of the case loop's browser tests (cases, patrol, hotline): a fresh area with a grid that has
// a border, a department and a property manager to dispatch to, a category of its own, accounts for each
// role (first password already changed), photos drawn by the browser, and the pickers as a user works them.
import assert from 'node:assert/strict'
import { newPage, submitLogin, apiCall, createSubtree, ok } from './helpers.mjs'

export const PASSWORD = 'Case-test-pass-2026'

export const square = (lng, lat, d = 0.01) => ({
  type: 'Polygon',
  coordinates: [[[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]],
})

/**
 * Units (county > street > community > grid with a border around (lng, lat)+0.01, and a department under
 * the street), a category under 投诉 with the given first handler (residents may pick it), through the API.
 */
export async function caseArea(admin, { label = 'C', lng = 114.9, lat = 30.2, firstHandler = 'dispatcher' } = {}) {
  const tree = await createSubtree(admin, { deep: true, label })
  const c = tree.community
  const grid = await ok(await apiCall(admin, 'POST', '/api/v1/grids', { parent_id: c.id, name: `${c.name}第一网格`, geometry: square(lng, lat) }))
  const department = await ok(
    await apiCall(admin, 'POST', '/api/v1/units', { parent_id: tree.street.id, level: 'department', code: `${tree.street.code.slice(0, 9)}901`, name: `城管中队${tree.tag}` }),
  )
  const cats = await ok(await apiCall(admin, 'GET', '/api/v1/categories'), 200)
  const complaint = cats.items.find((x) => x.code === 'complaint')
  const category = await ok(
    await apiCall(admin, 'POST', '/api/v1/categories', {
      parent_id: complaint.id,
      code: `t${tree.tag.toLowerCase()}_${Math.floor(Math.random() * 1e6)}`,
      name: `测试乱堆${tree.tag}${Math.floor(Math.random() * 1000)}`,
      first_handler: firstHandler,
      resident_selectable: true,
    }),
  )
  return { tree, grid, department, category, point: { latitude: lat + 0.005, longitude: lng + 0.005 } }
}

/** An account with one role at one unit, its first password already changed to PASSWORD. */
export async function account(browser, admin, role, unit, name) {
  const username = `${role.replace(/_/g, '')}${Math.floor(Math.random() * 1e6)}`
  const a = await ok(await apiCall(admin, 'POST', '/api/v1/accounts', { username, display_name: name, password: 'Temp-pass-2026x', home_unit_id: unit.id, role }))
  const p = await newPage(browser)
  await p.goto('/login')
  const login = await p.evaluate(async ({ username }) => {
    const r = await fetch('/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: 'Temp-pass-2026x' }) })
    return r.json()
  }, { username })
  const changed = await p.evaluate(
    async ({ csrf, password }) => {
      const r = await fetch('/api/v1/me/password', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify({ current_password: 'Temp-pass-2026x', new_password: password }) })
      return r.status
    },
    { csrf: login.csrf_token, password: PASSWORD },
  )
  assert.ok(changed < 300, `password change for ${username}: ${changed}`)
  await p.context().close()
  return { ...a, username }
}

/** A page (options: PHONE, geolocation …) logged in as the account. */
export async function loginAs(browser, who, options) {
  const page = await newPage(browser, options)
  await page.goto('/login')
  await submitLogin(page, who.username, PASSWORD)
  await page.waitForURL((u) => u.pathname === '/')
  await page.getByTestId('greeting').waitFor()
  return page
}

/** A small PNG drawn by the browser (a colour and a label), as a file for setInputFiles. */
export async function photo(page, name, colour = '#3a7') {
  const data = await page.evaluate(
    ({ colour, name }) => {
      const c = document.createElement('canvas')
      c.width = 120
      c.height = 90
      const g = c.getContext('2d')
      g.fillStyle = colour
      g.fillRect(0, 0, 120, 90)
      g.fillStyle = '#fff'
      g.fillText(name, 8, 48)
      return c.toDataURL('image/png').split(',')[1]
    },
    { colour, name },
  )
  return { name: `${name}.png`, mimeType: 'image/png', buffer: Buffer.from(data, 'base64') }
}

/** Chooses photos in a PhotoPicker (testid) and waits for each to be uploaded. */
export async function addPhotos(page, scope, testid, files) {
  const before = await scope.getByTestId(`${testid}-item`).count()
  await scope.getByTestId(`${testid}-input`).setInputFiles(files)
  await scope.locator(`[data-testid="${testid}-item"][data-status="done"]`).nth(before + files.length - 1).waitFor()
}

/** Opens a tree select (the category picker), types part of the name and picks the node. */
export async function pickCategory(page, field, name) {
  await field.click()
  // type only once the dropdown's tree is open: keys sent before it has the focus are lost (seen offline on a
  // busy machine: the filter then missed the category)
  await page.locator('.el-tree-node__content:visible').first().waitFor()
  await page.keyboard.type(name.slice(0, 6))
  await page.locator('.el-tree-node__content:visible', { hasText: name }).first().click()
}

/** A remote select (units, cases): type, wait for the option, pick it. */
export async function pickRemote(page, field, typed, optionText = typed) {
  await field.click()
  await field.locator('input').fill(typed)
  await page.locator('.el-select-dropdown__item:visible', { hasText: optionText }).first().click()
}

/** Opens the action's dialog on the case page and returns it. */
export async function openAction(page, action) {
  await page.getByTestId(`case-do-${action}`).click()
  const dialog = page.getByTestId('case-action-dialog')
  await dialog.waitFor()
  return dialog
}

/** Submits the open action dialog and waits for the case page to show the new state. */
export async function submitAction(page, dialog, stateText) {
  await dialog.getByTestId('case-action-submit').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByTestId('case-state').getByText(stateText, { exact: true }).first().waitFor()
}
