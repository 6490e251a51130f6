/**
 * Every button and form (modal) the bot draws, in one static list: each is its handler bound to its
 * custom id format (src/kit/custom-ids.ts), routed by that format's prefix.
 */
import type { Button, Form } from '../kit/types.js';
import { voteButton } from './vote.js';
import { listButton } from './list.js';
import { draftButton, draftEditForm } from './drafts.js';
import { forecastButton, forecastForm } from './forecast.js';
import { mineButton } from './mine.js';
import { deleteButton } from './delete.js';
import { evidenceButton, evidenceForm } from './evidence.js';

export const buttons: readonly Button[] = [voteButton, listButton, draftButton, forecastButton, mineButton, deleteButton, evidenceButton];

export const forms: readonly Form[] = [draftEditForm, forecastForm, evidenceForm];
