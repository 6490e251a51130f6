/** Every button and form (modal) the bot draws, in one static list: routed by the custom_id prefix. */
import type { ComponentHandler, ModalHandler } from '../kit/types.js';
import { voteButton } from './vote.js';
import { listButton } from './list.js';
import { draftButton, draftEditForm } from './drafts.js';

export const componentHandlers: readonly ComponentHandler[] = [voteButton, listButton, draftButton];

/** Modal (form) handlers, routed like buttons by the custom_id prefix. */
export const modalHandlers: readonly ModalHandler[] = [draftEditForm];
