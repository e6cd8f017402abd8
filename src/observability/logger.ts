import { type Logger, pino } from 'pino';

export type { Logger };

// One logger for the process; children carry request id, stack, user. Secrets are redacted by
// path so a careless `log.info({ config })` cannot leak them.
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'greenlight' },
    redact: {
      paths: [
        'token',
        '*.token',
        'password',
        '*.password',
        'secret',
        '*.secret',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'config.*',
      ],
      censor: '[redacted]',
    },
  });
}
