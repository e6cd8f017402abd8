import { noteCard } from '../../cards/builders.ts';
import { factsCard } from '../../cards/info-cards.ts';
import type { Card } from '../../cards/model.ts';
import { GreenlightError } from '../domain/errors.ts';
import type { PrincipalId } from '../domain/types.ts';
import type { MemoryCommand } from '../router/memory-commands.ts';
import type { Db } from '../store/database.ts';
import { DEFAULT_KEYS, defaultsOf, forget, readProfile, setPreference } from '../store/memory-store.ts';

// Answers to what people say about the bot's memory of them: remember, forget, show.

export async function memoryAnswer(db: Db, user: PrincipalId, command: MemoryCommand): Promise<Card> {
  const note = (text: string): Card => noteCard('Memory', text);
  switch (command.kind) {
    case 'invalid':
      throw new GreenlightError('bad_request', command.message);
    case 'remember':
      await setPreference(db, user, command.key, command.value);
      return note(`Noted: your ${command.key} is ${command.value}. I will use it when a request leaves it out.`);
    case 'forget':
      await forget(db, user, command.everything);
      return note(command.everything ? 'I have forgotten everything I knew about you.' : 'I have forgotten your defaults.');
    case 'show': {
      const profile = await readProfile(db, user);
      const defaults = defaultsOf(profile);
      return factsCard('info', 'What I remember about you', [
        ...DEFAULT_KEYS.map((k) => ({
          label: k,
          value: defaults[k] ? `${defaults[k]}${profile.prefs[k] ? ' (you told me)' : ' (from your approved requests)'}` : '—',
        })),
        { label: 'Last request', value: profile.lastRequest ? `${profile.lastRequest.text} (${profile.lastRequest.at})` : '—' },
        { label: 'Stacks you use', value: Object.keys(profile.stacks).join(', ') || '—' },
      ]);
    }
  }
}
