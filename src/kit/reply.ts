/** A reply as plain data: what both Discord and the console can show, and what a round posts. */
import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed } from 'discord-api-types/v10';

export interface ReplyFile {
  name: string;
  data: Buffer;
  description?: string;
}

/** A reply as plain data: what both Discord and the console can show. */
export interface Reply {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  files?: ReplyFile[];
  /** Only the member who asked sees it. */
  ephemeral?: boolean;
}
