// Runs Microsoft Recognizers-Text's currency model over passages for bench/money_peer.py.
// stdin: JSON [{"id", "lang" ("es"|"pt"|"en"), "text"}]; stdout: JSON
// [{"id", "mentions": [{"start", "end", "text", "value", "unit"}]}] with `end` exclusive
// (Recognizers reports it inclusive) and offsets in UTF-16 code units of `text`.
const R = require('@microsoft/recognizers-text-number-with-unit');

const CULTURE = { es: 'es-es', pt: 'pt-br', en: 'en-us' };

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const passages = JSON.parse(input);
  const out = passages.map((p) => ({
    id: p.id,
    mentions: R.recognizeCurrency(p.text, CULTURE[p.lang] || 'en-us').map((m) => ({
      start: m.start,
      end: m.end + 1,
      text: p.text.slice(m.start, m.end + 1),
      value: m.resolution && m.resolution.value !== undefined ? Number(m.resolution.value) : null,
      unit: m.resolution ? m.resolution.unit || null : null,
    })),
  }));
  process.stdout.write(JSON.stringify(out));
});
