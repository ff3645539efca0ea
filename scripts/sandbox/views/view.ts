/** What every view of the hosted page is given: the session, sandbox time and the forms' target. */
import type { EnteredCard } from '../test-cards.ts';

type Json = Record<string, any>;

export interface PageView {
  session: Json;
  /** Sandbox time, ms. */
  now: number;
  /** The page's own path, `/_sandbox/pay/{id}`: forms post here. */
  base: string;
  /** Hidden inputs every form of the page carries (the page's form token). */
  hidden: string;
  /** The card the session pays with, when it is known (API number, `encryptedCard`, token, card form). */
  card?: EnteredCard;
  /** Whether that card meets a 3DS challenge. */
  challenge: boolean;
  /** The customer's stored cards, for a `showSavedPayment` session. */
  savedCards: Json[];
  /** The key the card form encrypts with (the session's `encryptionKey`, else the sandbox's). */
  encryptionKey: string;
  /** A problem with the last form sent, to show above it. */
  error?: string;
}
