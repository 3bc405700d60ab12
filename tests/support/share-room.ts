import { unwrapKeyWithPassword } from '../../src/chunks/password-wrap.ts';
import { deriveRoomId } from '../../src/chunks/share-key.ts';
import { parseShareLink } from '../../src/chunks/share-link.ts';

/** The swarm id a link joins: a public link's id, or the room id a private link's key derives. */
export async function swarmIdOf(link: string, password?: string): Promise<string> {
  const parsed = parseShareLink(new URL(link).hash);
  switch (parsed.kind) {
    case 'public':
      return parsed.swarmId;
    case 'private':
      return deriveRoomId(parsed.shareKey);
    case 'password':
      return deriveRoomId(await unwrapKeyWithPassword(parsed.wrappedKey, password ?? ''));
  }
}
