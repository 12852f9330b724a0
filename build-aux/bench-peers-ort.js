// bench-peers-ort.js
//
// Copyright 2026 The Feature Maps developers
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The ONNX Runtime side of build-aux/bench-peers.sh, on the npm package
// onnxruntime-node (CPU execution provider, default graph optimisations).
// Measured like `feature-maps bench`: one image, a warm-up, then the wall
// time of each session.run () and its median and 90th percentile (nearest
// rank), for 1 and 2 intra-op threads, once on NAME.onnx returning only the
// final output and once on NAME-all.onnx (every node output is a graph
// output, made by bench-peers-models.py) returning every intermediate
// tensor. It prints one JSON object per line. It does not check results.
//
//   node bench-peers-ort.js latency MODELDIR NAME RUNS WARMUP
//       also the load time (median of 3 session creations of NAME.onnx)
//   node bench-peers-ort.js overhead MODELDIR
//       the median time of a run of a one-node Identity model: what a call
//       through the binding costs whatever the model
//   node bench-peers-ort.js scan MODEL-all.onnx DATASET BATCH THREADS MEAN STD [JSON]
//       the dataset scan: every image of an IDX file (gzip or plain),
//       normalised as (x / 255 - MEAN) / STD, in batches with every
//       intermediate returned, and for every channel of every rank-4
//       output the statistics `feature-maps scan` keeps (images leaving it
//       all zero, max, mean, the top 9 images); prints the rate
//       and, with JSON, writes the zero counts for a cross-check.
'use strict';

const fs = require ('fs');
const path = require ('path');
const zlib = require ('zlib');
const ort = require ('onnxruntime-node');

function readNpy (file)
{
  const buf = fs.readFileSync (file);
  if (buf.toString ('latin1', 1, 6) !== 'NUMPY')
    throw new Error (`${file}: not an .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE (8) : buf.readUInt32LE (8);
  const hstart = major === 1 ? 10 : 12;
  const header = buf.toString ('latin1', hstart, hstart + hlen);
  if (!header.includes ("'<f4'") || header.includes ("'fortran_order': True"))
    throw new Error (`${file}: not a C-order float32 array`);
  const dims = header.match (/'shape': \(([^)]*)\)/)[1].split (',')
    .map ((s) => s.trim ()).filter ((s) => s.length > 0).map (Number);
  const start = hstart + hlen;
  const data = new Float32Array (buf.buffer.slice (buf.byteOffset + start,
                                                   buf.byteOffset + buf.length));
  return new ort.Tensor ('float32', data, dims);
}

function nowMs ()
{
  return Number (process.hrtime.bigint ()) / 1e6;
}

function median (v)
{
  const s = [...v].sort ((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

function p90 (v)
{
  const s = [...v].sort ((a, b) => a - b);
  return s[Math.min (s.length, Math.max (1, Math.ceil (0.9 * s.length))) - 1];
}

function options (threads)
{
  return { intraOpNumThreads: threads, interOpNumThreads: 1,
           executionMode: 'sequential', graphOptimizationLevel: 'all' };
}

async function timeRuns (session, feeds, runs, warmup)
{
  for (let i = 0; i < warmup; i++)
    await session.run (feeds);
  const times = [];
  for (let i = 0; i < runs; i++)
    {
      const t0 = nowMs ();
      const out = await session.run (feeds);
      times.push (nowMs () - t0);
      if (Object.keys (out).length !== session.outputNames.length)
        throw new Error ('missing outputs');
    }
  return times;
}

async function latency (dir, name, runs, warmup)
{
  const input = readNpy (path.join (dir, `${name}-input.npy`));
  const plain = path.join (dir, `${name}.onnx`);
  const loads = [];

  for (let i = 0; i < 3; i++)
    {
      const t0 = nowMs ();
      const s = await ort.InferenceSession.create (plain, options (1));
      loads.push (nowMs () - t0);
      await s.release ();
    }
  console.log (JSON.stringify ({ peer: 'onnxruntime', model: name, what: 'load',
                                 load_ms: median (loads) }));
  for (const threads of [1, 2])
    for (const mode of ['final', 'all'])
      {
        const file = path.join (dir, mode === 'all' ? `${name}-all.onnx` : `${name}.onnx`);
        const session = await ort.InferenceSession.create (file, options (threads));
        const feeds = { [session.inputNames[0]]: input };
        const times = await timeRuns (session, feeds, runs, warmup);
        console.log (JSON.stringify ({ peer: 'onnxruntime', model: name, threads, mode,
                                       outputs: session.outputNames.length, runs,
                                       median_ms: median (times), p90_ms: p90 (times) }));
        await session.release ();
      }
}

async function overhead (dir)
{
  const session = await ort.InferenceSession.create (path.join (dir, 'identity.onnx'),
                                                     options (1));
  const input = new ort.Tensor ('float32', new Float32Array (28 * 28), [1, 1, 28, 28]);
  const times = await timeRuns (session, { input }, 2000, 200);
  console.log (JSON.stringify ({ peer: 'onnxruntime', what: 'overhead',
                                 median_ms: median (times) }));
}

function readIdx (file)
{
  let buf = fs.readFileSync (file);
  if (buf[0] === 0x1f && buf[1] === 0x8b)
    buf = zlib.gunzipSync (buf);
  if (buf.readUInt32BE (0) !== 0x803)
    throw new Error (`${file}: not an IDX images file`);
  return { n: buf.readUInt32BE (4), h: buf.readUInt32BE (8), w: buf.readUInt32BE (12),
           pixels: buf.subarray (16) };
}

async function scan (model, dataset, batch, threads, mean, std, jsonFile)
{
  const session = await ort.InferenceSession.create (model, options (threads));
  const K = 9;
  const t0 = nowMs ();
  const { n, h, w, pixels } = readIdx (dataset);
  const plane = h * w;
  const name = session.inputNames[0];
  let stats = null;

  for (let done = 0; done < n; done += batch)
    {
      const b = Math.min (batch, n - done);
      const x = new Float32Array (b * plane);
      for (let i = 0; i < b * plane; i++)
        x[i] = (pixels[done * plane + i] / 255 - mean) / std;
      const out = await session.run ({ [name]: new ort.Tensor ('float32', x, [b, 1, h, w]) });
      const maps = session.outputNames.filter ((o) => out[o].dims.length === 4);
      if (stats === null)
        stats = maps.map ((o) => {
          const C = out[o].dims[1];
          return { name: o, C, zero: new Array (C).fill (0), max: new Array (C).fill (-Infinity),
                   sum: new Array (C).fill (0),
                   top: Array.from ({ length: C }, () => []) };
        });
      maps.forEach ((o, li) => {
        const t = out[o], s = stats[li], d = t.data;
        const C = t.dims[1], P = t.dims[2] * t.dims[3];
        for (let bi = 0; bi < b; bi++)
          for (let c = 0; c < C; c++)
            {
              const base = (bi * C + c) * P;
              let mx = -Infinity, sum = 0, zero = true;
              for (let i = 0; i < P; i++)
                {
                  const v = d[base + i];
                  if (v > mx) mx = v;
                  sum += v;
                  if (v !== 0) zero = false;
                }
              if (zero) s.zero[c]++;
              if (mx > s.max[c]) s.max[c] = mx;
              s.sum[c] += sum;
              const top = s.top[c];
              if (top.length < K || mx > top[top.length - 1][0])
                {
                  top.push ([mx, done + bi]);
                  top.sort ((p, q) => q[0] - p[0]);
                  if (top.length > K) top.pop ();
                }
            }
      });
    }
  const elapsed = (nowMs () - t0) / 1000;
  const rate = n / elapsed;
  console.log (JSON.stringify ({ peer: 'onnxruntime', what: 'scan', images: n, batch, threads,
                                 seconds: elapsed, rate }));
  if (jsonFile)
    fs.writeFileSync (jsonFile, JSON.stringify ({
      images: n, rate, layers: stats.map ((s) => ({ name: s.name, zero_count: s.zero })) }));
}

async function main ()
{
  const [cmd, ...a] = process.argv.slice (2);
  if (cmd === 'latency')
    await latency (a[0], a[1], Number (a[2]), Number (a[3]));
  else if (cmd === 'overhead')
    await overhead (a[0]);
  else if (cmd === 'scan')
    await scan (a[0], a[1], Number (a[2]), Number (a[3]), Number (a[4]), Number (a[5]), a[6]);
  else
    throw new Error ('usage: bench-peers-ort.js latency|overhead|scan ...');
}

main ().catch ((e) => { console.error (`bench-peers-ort: ${e.message}`); process.exit (1); });
