/**
 * What a run was computed on: the CPU and its vector extensions, the pinned TensorFlow settings and
 * the library versions. Recorded with every run. Results are bit-identical only on the same CPU
 * with the same settings; on another CPU they agree within floating-point noise (README).
 */
import { cpus } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { SETTINGS } from '../base/tensorflow';
import { TensorFlowSettings } from '../base/tensorflow-settings';
import { libraryVersions } from '../model/native/ops';

export interface RunEnvironment {
  cpu: string;
  /** The CPU's SIMD extensions TensorFlow's kernels choose between (AVX2, FMA, AVX-512 …, AMX). */
  vectorExtensions: string[];
  settings: TensorFlowSettings;
  tfjsNode: string;
  tensorflow: string;
  node: string;
}

/** CPU flags (as /proc/cpuinfo names them) that select different TensorFlow/oneDNN kernels. */
const VECTOR_FLAG = /^(sse4_2|avx|avx2|fma|f16c|avx512\w*|avx_vnni|amx\w*)$/;

/** The CPU's vector extensions, from /proc/cpuinfo (empty where it does not exist). */
export function vectorExtensions(): string[] {
  const path = '/proc/cpuinfo';
  if (!existsSync(path)) return [];
  const flags = /^flags\s*:(.*)$/m.exec(readFileSync(path, 'utf8'))?.[1] ?? '';
  return flags.trim().split(/\s+/).filter((flag) => VECTOR_FLAG.test(flag)).sort();
}

export function runEnvironment(): RunEnvironment {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    vectorExtensions: vectorExtensions(),
    settings: SETTINGS,
    ...libraryVersions(),
    node: process.version,
  };
}
