import { createInterface } from 'node:readline';
import { startFakeSlack } from '../test/fakes/slack-api.ts';
import { fireSlashCommands } from './slack-ack.ts';

// A separate process standing in for Slack: it hosts the Web API stand-in and fires the signed
// slash commands, so neither competes with the bot for the bot's event loop (as on a real
// network). Protocol on stdio: prints {"apiUrl"}; then for each line `fire <url> <secret> <n>
// <concurrency>` prints the figures as one JSON line; `quit` ends it.

const slack = await startFakeSlack();
console.log(JSON.stringify({ apiUrl: slack.url }));
for await (const line of createInterface({ input: process.stdin })) {
  const [verb, url, secret, n, concurrency] = line.trim().split(' ');
  if (verb === 'quit') break;
  if (verb === 'fire' && url && secret) {
    const figures = await fireSlashCommands(url, secret, Number(n), Number(concurrency), 'help');
    console.log(JSON.stringify({ ...figures, webApiCalls: slack.calls.length }));
  }
}
await slack.close();
process.exit(0);
