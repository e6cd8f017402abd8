import { type Logger, pino } from 'pino';
import { secrets } from '../domain/redaction.ts';

export type { Logger };

// One logger for the process; children carry request id, stack, user. Every line passes the
// secret redactor (values under secret-looking keys, known secrets, token formats), so a careless
// `log.info({ config })` or an engine error quoting a password cannot leak it.
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'greenlight' },
    formatters: {
      log: (object) => secrets.value(object),
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? secrets.text(a) : a)) as Parameters<typeof method>);
      },
    },
    redact: { paths: ['headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
