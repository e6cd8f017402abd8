import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests run real Terraform applies that sleep on purpose; give them room. These are
    // guards against a hang, not speed targets (those are in `npm run bench`): a CI machine with
    // two cores running two files at once takes up to 3× as long as a quiet one.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
