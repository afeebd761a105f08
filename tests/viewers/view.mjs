// view.mjs - open an export in a real viewer in Debian's headless chromium (playwright-core,
// executablePath /usr/bin/chromium; no browser is downloaded) and report what the page shows.
//
//   node view.mjs speedscope VIEWERS_DIR TRACE.json SHOT.png [THREAD-REGEX]
//       loads TRACE.json into speedscope (as its CLI does: #localProfilePath), opens
//       the thread list, prints one JSON line {"profiles":[...names...],"text":"...","canvas":N};
//       with THREAD-REGEX, selects the first thread matching it, and SHOT shows that thread
//   node view.mjs svg VIEWERS_DIR PICTURE.svg SHOT.png
//       renders the SVG, prints {"threads":[labels],"gaps":N,"repaired":N,"busy":N,"cpus":N,
//       "width":W,"height":H,"visible":{...}} with rendered sizes (getBBox) of what it counts
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';

const [mode, viewers, file, shot, select] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(viewers), 'package.json'));
const { chromium } = require('playwright-core');

const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracerec-chromium-'));
// a new empty profile directory every run (playwright passes it as --user-data-dir)
const browser = await chromium.launchPersistentContext(userDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let status = 0;
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  const warnings = [];
  page.on('console', m => { if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text()); });
  if (mode === 'speedscope') {
    const index = path.join(path.resolve(viewers), 'node_modules/speedscope/dist/release/index.html');
    // what `speedscope FILE` (its CLI) does: a script that hands the file over, named in the
    // page's #localProfilePath
    const js = path.join(userDir, 'profile.js');
    fs.writeFileSync(js, `speedscope.loadFileFromBase64(${JSON.stringify(path.basename(file))}, ` +
                         `${JSON.stringify(fs.readFileSync(file).toString('base64'))})`);
    await page.goto('file://' + index + '#localProfilePath=' + js);
    // the loaded profile's name (a thread) appears in the toolbar
    try {
      await page.waitForFunction(() => /\(tid \d+\)/.test(document.body.innerText), null,
                                 { timeout: 30000 });
    } catch (e) {
      await page.screenshot({ path: shot });
      const text = await page.evaluate(() => document.body.innerText);
      throw new Error(`speedscope shows no thread (tid) after loading ${file}: ${e}\n` +
                      `page text: ${text.slice(0, 2000)}\npage errors: ${errors.join('; ')}`);
    }
    await page.waitForTimeout(500);
    await page.screenshot({ path: shot });
    // open the profile (thread) list: click the toolbar's profile name
    const title = page.getByText(/\(tid \d+\)/).first();
    await title.click();
    await page.waitForTimeout(500);
    const text = await page.evaluate(() => document.body.innerText);
    const profiles = [...new Set(text.match(/[^\n]*\(tid \d+\)/g) || [])];
    const canvas = await page.evaluate(() => document.querySelectorAll('canvas').length);
    let selected = null;
    if (select) {
      const re = new RegExp(select);
      const want = profiles.find(p => re.test(p) && /^\d+\t/.test(p));
      if (want) {
        await page.getByText(want.replace(/^\d+\t/, '')).last().click();
        await page.waitForTimeout(800);
        selected = want.replace(/^\d+\t/, '');
      }
      await page.mouse.move(1, 790);
      await page.screenshot({ path: shot });
    }
    console.log(JSON.stringify({ profiles, canvas, selected, errors, warnings: warnings.slice(0, 50),
                                 nwarnings: warnings.length, text: text.slice(0, 4000) }));
  } else if (mode === 'svg') {
    await page.goto('file://' + path.resolve(file));
    const size = await page.evaluate(() => {
      const r = document.documentElement.getBoundingClientRect();
      return { width: Math.ceil(r.width), height: Math.ceil(r.height) };
    });
    if (size.width > 0 && size.height > 0)
      await page.setViewportSize({ width: Math.min(size.width, 4000), height: Math.min(size.height, 8000) });
    await page.screenshot({ path: shot });
    const r = await page.evaluate(() => {
      const svg = document.querySelector('svg');
      const vis = sel => [...document.querySelectorAll(sel)]
        .filter(e => { const b = e.getBBox(); return b.width > 0 && b.height > 0; }).length;
      return {
        root: svg ? svg.tagName : null,
        width: svg ? svg.getBoundingClientRect().width : 0,
        height: svg ? svg.getBoundingClientRect().height : 0,
        threads: [...document.querySelectorAll('g.thread > text.label')].map(t => t.textContent),
        gaps: document.querySelectorAll('rect.gap').length,
        repaired: document.querySelectorAll('rect.repaired').length,
        busy: document.querySelectorAll('rect.busy').length,
        cpus: document.querySelectorAll('g.cpu').length,
        polylines: document.querySelectorAll('g.cpu > polyline').length,
        visible: { gaps: vis('rect.gap'), repaired: vis('rect.repaired'), busy: vis('rect.busy'),
                   labels: vis('g.thread > text.label'), lines: vis('polyline') },
        titles: [...document.querySelectorAll('rect.gap > title, rect.repaired > title')]
          .slice(0, 20).map(t => t.textContent),
        parseerror: document.querySelector('parsererror') ? document.querySelector('parsererror').textContent : null,
      };
    });
    r.errors = errors;
    console.log(JSON.stringify(r));
  } else {
    console.error('usage: view.mjs speedscope|svg VIEWERS_DIR FILE SHOT.png');
    status = 64;
  }
} catch (e) {
  console.error('view.mjs: ' + e);
  status = 1;
} finally {
  await browser.close();
  fs.rmSync(userDir, { recursive: true, force: true });
}
process.exit(status);
