// Reference side of TokenizerParityTest. Usage:
//   node tokenizer-parity.mjs STRINGS.jsonl OUT_DIR TOKENIZER.json...
// STRINGS.jsonl holds one JSON string per line. For each tokenizer X.json this writes OUT_DIR/X.ref.jsonl with one
// line per string: {"ids": encode(s) with special tokens, "plain": encode(s) without them,
// "decoded": decode(ids, skip_special_tokens) or "" when there is nothing to decode}.
// The reference is @huggingface/tokenizers (pure JavaScript), pinned in package.json.
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

const [stringsFile, outDir, ...files] = process.argv.slice(2);
const strings = fs.readFileSync(stringsFile, 'utf8').split('\n').filter((l) => l.length).map((l) => JSON.parse(l));
fs.mkdirSync(outDir, { recursive: true });
for (const file of files) {
  const started = Date.now();
  const tok = new Tokenizer(JSON.parse(fs.readFileSync(file, 'utf8')), { clean_up_tokenization_spaces: false });
  const lines = strings.map((s) => {
    const ids = tok.encode(s).ids;
    const plain = tok.encode(s, { add_special_tokens: false }).ids;
    const kept = ids.filter((id) => !tok.all_special_ids.includes(id));
    const decoded = kept.length ? tok.decode(ids, { skip_special_tokens: true }) : '';
    return JSON.stringify({ ids, plain, decoded });
  });
  const name = path.basename(file).replace(/\.json$/, '');
  fs.writeFileSync(path.join(outDir, `${name}.ref.jsonl`), lines.join('\n') + '\n');
  console.log(`${name}: ${strings.length} strings in ${Date.now() - started} ms`);
}
