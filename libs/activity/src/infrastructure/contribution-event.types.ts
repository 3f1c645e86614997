/** A stored contribution event, as the Events API presents it. */
export interface ContributionEventRow {
  id: number;
  project_id: number | null;
  action: string;
  target_id: number | null;
  target_iid: number | null;
  target_type: string | null;
  author_id: number;
  target_title: string | null;
  created_at: Date;
  push_data: Record<string, unknown> | null;
  note: Record<string, unknown> | null;
  wiki_page: Record<string, unknown> | null;
}
