// Open311 接口密钥 as an administrator sees it: the menu leads to the page, a new key for a county is shown once
// (with a copy button) and works against /open311/v2/ (a point outside every grid is refused naming lat, not
// the key), the list shows only its prefix, and a revoked key is refused with the spec's 403 error document.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, skip, createSubtree, PHONE, noHorizontalScroll, apiCall, ok } from './helpers.mjs'

let browser, page, tree

before(async () => {
  if (skip) return
  browser = await launch()
  page = await newPage(browser)
  await loginAsAdmin(page)
  tree = await createSubtree(page, { label: 'O' })
})
after(async () => {
  if (browser) await browser.close()
})

function open311Post(p, key) {
  return p.evaluate(async (key) => {
    const body = new URLSearchParams({ api_key: key, service_code: 'complaint.city_appearance.exposed_rubbish', lat: '1.5', long: '1.5', 'attribute[rubbish_type]': 'household' })
    const res = await fetch('/open311/v2/requests.json', { method: 'POST', body })
    return { status: res.status, body: await res.json() }
  }, key)
}

test('a key is created for an area, shown once, works, and is revoked', { skip }, async () => {
  await page.goto('/')
  await page.getByRole('menuitem', { name: 'Open311 接口密钥' }).click()
  await page.waitForURL((u) => u.pathname === '/open311-keys')
  await page.getByTestId('open311-create').click()
  const dialog = page.getByRole('dialog', { name: '新建密钥' })
  await dialog.waitFor()
  // the rules speak first
  await page.getByTestId('open311-create-submit').click()
  await dialog.getByText('请输入应用名称').waitFor()
  const name = `市民通${tree.tag}`
  await page.getByTestId('open311-name').fill(name)
  await page.getByTestId('open311-unit').click()
  const picker = page.getByRole('dialog', { name: '可用区域' })
  await picker.getByTestId('unit-search').fill(tree.county.name)
  await picker.getByTestId('unit-search-result').filter({ hasText: tree.county.name }).click()
  await picker.getByTestId('unit-picker-ok').click()
  await picker.waitFor({ state: 'hidden' })
  await page.getByTestId('open311-create-submit').click()
  await dialog.waitFor({ state: 'hidden' })

  const secret = (await page.getByTestId('open311-secret').innerText()).trim()
  assert.match(secret, /^[A-Za-z0-9_-]{43}$/)
  await page.getByText('密钥只显示这一次').waitFor()
  await page.getByTestId('open311-copy').click()
  await page.getByText(/已复制到剪贴板|无法访问剪贴板/).first().waitFor()
  await page.getByTestId('open311-done').click()
  await page.getByTestId('open311-secret').waitFor({ state: 'hidden' })

  // the list: the name, the area and the prefix — never the key
  const row = page.getByTestId('open311-keys').locator('li', { hasText: name })
  await row.getByText(tree.county.name).waitFor()
  await row.getByText(`${secret.slice(0, 6)}…`).waitFor()
  assert.ok(!(await page.content()).includes(secret), 'the key is not on the page any more')

  // the key works: the point is outside every grid, and that is what is refused
  let r = await open311Post(page, secret)
  assert.equal(r.status, 400, JSON.stringify(r.body))
  assert.equal(r.body[0].code, 400)
  assert.match(r.body[0].description, /^lat:/)

  await row.getByRole('button', { name: '作废' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click()
  await row.getByText('已作废').waitFor()
  r = await open311Post(page, secret)
  assert.equal(r.status, 403)
  assert.deepEqual(Object.keys(r.body[0]).sort(), ['code', 'description'])
  assert.match(r.body[0].description, /api_key/)
  assert.deepEqual(await problems(page), [])
})

test('the staff case page shows the answers an Open311 client gave', { skip }, async () => {
  const deep = await createSubtree(page, { deep: true, label: 'A' })
  const lng = 100 + Math.random() * 10, lat = 20 + Math.random() * 10
  const sq = { type: 'Polygon', coordinates: [[[lng, lat], [lng + 0.01, lat], [lng + 0.01, lat + 0.01], [lng, lat + 0.01], [lng, lat]]] }
  await ok(await apiCall(page, 'POST', '/api/v1/grids', { parent_id: deep.community.id, name: `${deep.community.name}第1网格`, geometry: sq }))
  const key = await ok(await apiCall(page, 'POST', '/api/v1/open311-keys', { name: `答复${deep.tag}`, unit_id: deep.county.id }))
  const made = await page.evaluate(async ({ key, lat, lng }) => {
    const body = new URLSearchParams({ api_key: key, service_code: 'complaint.city_appearance.exposed_rubbish', lat: String(lat + 0.005), long: String(lng + 0.005), description: '小区门口垃圾堆放', 'attribute[rubbish_type]': 'household' })
    const res = await fetch('/open311/v2/requests.json', { method: 'POST', body })
    const def = await (await fetch('/open311/v2/services/complaint.city_appearance.exposed_rubbish.json')).json()
    return { status: res.status, body: await res.json(), def }
  }, { key: key.secret || key.key, lat, lng })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  const number = made.body[0].service_request_id
  const found = await ok(await apiCall(page, 'GET', `/api/v1/cases?q=${encodeURIComponent(number)}`), 200)
  const id = found.items.find((c) => c.number === number).id
  const q = made.def.attributes.find((a) => a.code === 'rubbish_type')
  const label = (q.values || []).find((v) => v.key === 'household')
  await page.goto(`/cases/${id}`)
  const answer = page.locator('[data-testid="case-attribute"][data-code="rubbish_type"]')
  await answer.waitFor()
  assert.equal((await answer.innerText()).trim(), label ? label.name : 'household')
  await page.getByText(q.description).first().waitFor()
  assert.deepEqual(await problems(page), [])
})

test('the page speaks English and fits a phone', { skip }, async () => {
  const phone = await newPage(browser, PHONE)
  await loginAsAdmin(phone)
  await phone.evaluate(() => localStorage.setItem('gg.locale', 'en'))
  await phone.goto('/open311-keys')
  await phone.getByRole('heading', { name: 'Open311 API keys' }).waitFor()
  await phone.getByRole('button', { name: 'New key' }).waitFor()
  assert.ok(await noHorizontalScroll(phone))
  assert.deepEqual(await problems(phone), [])
  await phone.close()
})
