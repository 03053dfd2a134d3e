/**
 * Set-up in an ordinary path: `make native` where the clone's path holds a space. node-gyp writes
 * include and library folders into its makefiles unquoted, so scripts/build-tfjs-binding.sh builds in
 * a folder without spaces; and when the build fails, scripts/provision-tensorflow.sh says the build
 * failed instead of blaming the network. Both run on a copy of tfjs-node's build files under a path
 * with a space (node_modules itself is never touched).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { PROJECT_DIRECTORY } from './paths';

const TFJS_NODE = join(PROJECT_DIRECTORY, 'node_modules', '@tensorflow', 'tfjs-node');
/** Node's headers where Debian and NodeSource keep them (as the provisioning script finds them), so node-gyp downloads nothing. */
const environment = { ...process.env, npm_config_nodedir: dirname(dirname(process.execPath)) };

/** A copy of tfjs-node's build files under a folder whose name holds a space; `deps` as given. */
function packageWithSpace(deps: (folder: string) => void): string {
  const folder = join(mkdtempSync(join(tmpdir(), 'a clone ')), 'tfjs-node');
  mkdirSync(folder);
  for (const name of ['package.json', 'binding.gyp', 'binding']) cpSync(join(TFJS_NODE, name), join(folder, name), { recursive: true });
  deps(folder);
  return folder;
}

test('the binding\'s makefiles, configured for a package under a path with a space, name no folder with a space', () => {
  const folder = packageWithSpace((package_) => symlinkSync(join(TFJS_NODE, 'deps'), join(package_, 'deps')));
  const log = join(mkdtempSync(join(tmpdir(), 'gyp-')), 'node-gyp.log');
  const result = spawnSync('bash', [join(PROJECT_DIRECTORY, 'scripts/build-tfjs-binding.sh'), folder, log, '--configure-only'], { encoding: 'utf8', env: environment });
  assert.equal(result.status, 0, readFileSync(log, 'utf8').slice(-2000));
  const buildFolder = result.stdout.trim();
  try {
    const makefiles = readdirSync(buildFolder, { recursive: true }).map(String).filter((name) => name.endsWith('tfjs_binding.target.mk'));
    assert.ok(makefiles.length > 0, 'no makefile written');
    for (const name of makefiles) {
      const flags = readFileSync(join(buildFolder, name), 'utf8').split('\n').filter((line) => /^\s*-[IL]\S*deps/.test(line));
      assert.ok(flags.length > 0, `${name}: no -I or -L of deps/`);
      for (const flag of flags.map((line) => line.trim().replace(/\s*\\$/, ''))) assert.doesNotMatch(flag, /\s/, `${name}: a folder with a space, unquoted: ${flag}`);
    }
  } finally {
    if (buildFolder !== folder) rmSync(buildFolder, { recursive: true, force: true });
  }
});

test('make native: a failed build of the binding says the build failed and where its log is, never "check that pip can reach PyPI"', () => {
  // A project under a path with a space, whose libtensorflow (TFJS_LIBTENSORFLOW_DIR) has headers the compiler rejects.
  const project = join(mkdtempSync(join(tmpdir(), 'a clone ')), 'project');
  mkdirSync(join(project, 'scripts'), { recursive: true });
  for (const script of ['provision-tensorflow.sh', 'build-tfjs-binding.sh']) cpSync(join(PROJECT_DIRECTORY, 'scripts', script), join(project, 'scripts', script));
  mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(join(PROJECT_DIRECTORY, 'node_modules', '.bin', 'node-pre-gyp'), join(project, 'node_modules', '.bin', 'node-pre-gyp'));
  mkdirSync(join(project, 'node_modules', '@tensorflow'));
  const package_ = join(project, 'node_modules', '@tensorflow', 'tfjs-node');
  mkdirSync(package_);
  for (const name of ['package.json', 'binding.gyp', 'binding']) cpSync(join(TFJS_NODE, name), join(package_, name), { recursive: true });
  const libtensorflow = mkdtempSync(join(tmpdir(), 'libtensorflow-'));
  mkdirSync(join(libtensorflow, 'lib'));
  mkdirSync(join(libtensorflow, 'include', 'tensorflow', 'c'), { recursive: true });
  writeFileSync(join(libtensorflow, 'include', 'tensorflow', 'c', 'c_api.h'), '#error "not a real header"\n');
  const result = spawnSync('bash', [join(project, 'scripts', 'provision-tensorflow.sh')], {
    encoding: 'utf8', env: { ...environment, TFJS_LIBTENSORFLOW_DIR: libtensorflow, TFJS_PROVISION_SOURCES: 'none' },
  });
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /building the binding failed \(node-gyp: .*\); see .*a clone .*node-gyp\.log/);
  assert.match(result.stderr, /The build of tfjs-node's binding failed \(a compiler or node-gyp problem, not the network\)/);
  assert.doesNotMatch(result.stderr, /pip can reach PyPI/);
  assert.match(readFileSync(join(project, '.cache', 'node-gyp.log'), 'utf8'), /not a real header/, 'the compiler ran, and failed on the header');
});
