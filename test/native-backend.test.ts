import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKEND_TOLERANCE, checkNativeBackend } from '../lib/model/native/check';

test('tfjs-node runs on native libtensorflow and agrees with the reference CPU backend', async () => {
  const check = await checkNativeBackend();
  assert.equal(check.backend, 'tensorflow');
  assert.ok(check.maxAbsoluteDifference <= BACKEND_TOLERANCE,
    `conv2d forward/gradient differ by ${check.maxAbsoluteDifference}`);
  assert.ok(check.passed);
});
