// Template, integration and end-to-end tests start real tools and services; they get minutes, not seconds.
jest.setTimeout(Number(process.env.SLOW_TEST_TIMEOUT_MS ?? 300_000));
