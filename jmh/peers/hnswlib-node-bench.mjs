// Side-by-side peer for `litemem bench ann`: C++ hnswlib (through the npm package hnswlib-node) on the same fvecs files.
// Usage: npm install hnswlib-node && node hnswlib-node-bench.mjs BASE.fvecs QUERIES.fvecs GT.ivecs [M] [EFC] [EFS]
//        [INDEX_FILE]
// Prints one JSON object: build_s (one thread) and build_cpu_s (the process's CPU time while building), and
// recall@10 / qps (median of 5 passes, one thread) for each ef.
// With INDEX_FILE: the index is read from it when it exists (build_s is then null) and written to it after a build,
// so that runs can alternate with `litemem bench ann --db FILE --search-only` on a shared machine.
import fs from 'node:fs';
import hnswlib from 'hnswlib-node';

function readVecs(path, int) {
  const buf = fs.readFileSync(path);
  const dim = buf.readInt32LE(0);
  const rowBytes = 4 + 4 * dim;
  const n = buf.length / rowBytes;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = new Array(dim);
    for (let d = 0; d < dim; d++) {
      const at = i * rowBytes + 4 + 4 * d;
      row[d] = int ? buf.readInt32LE(at) : buf.readFloatLE(at);
    }
    out[i] = row;
  }
  return out;
}

const [base, queries, gt] = [readVecs(process.argv[2], false), readVecs(process.argv[3], false), readVecs(process.argv[4], true)];
const m = Number(process.argv[5] ?? 16), efc = Number(process.argv[6] ?? 200);
const efs = (process.argv[7] ?? '10,16,32,64,128,256').split(',').map(Number);
const k = 10;
const indexFile = process.argv[8];
const index = new hnswlib.HierarchicalNSW('ip', base[0].length);
let started = process.hrtime.bigint();
let buildS = null;
let buildCpuS = null;
if (indexFile && fs.existsSync(indexFile)) {
  index.readIndexSync(indexFile);
} else {
  const cpu = process.cpuUsage();
  index.initIndex(base.length, m, efc, 42);
  for (let i = 0; i < base.length; i++) index.addPoint(base[i], i);
  buildS = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  buildCpuS = (used.user + used.system) / 1e6;
  if (indexFile) index.writeIndexSync(indexFile);
}
const curve = [];
for (const ef of efs) {
  index.setEf(ef);
  let found;
  const times = [];
  for (let pass = 0; pass < 6; pass++) {
    found = [];
    started = process.hrtime.bigint();
    for (const q of queries) found.push(index.searchKnn(q, k).neighbors);
    if (pass > 0) times.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  times.sort((a, b) => a - b);
  let hits = 0;
  found.forEach((ids, q) => { const truth = new Set(gt[q].slice(0, k)); ids.forEach(id => { if (truth.has(id)) hits++; }); });
  curve.push({ ef, 'recall@10': hits / (k * queries.length), qps: queries.length / times[2] });
}
console.log(JSON.stringify({ implementation: 'hnswlib-node (C++ hnswlib)', n: base.length, dim: base[0].length, m, ef_construction: efc, build_s: buildS, build_cpu_s: buildCpuS, curve }));
