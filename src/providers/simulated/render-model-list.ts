/** `GET /v1/models` in OpenAI's shape, or Anthropic's when the caller speaks Anthropic. */
export function renderModelList(input: { models: string[]; created: number; anthropic: boolean }): string {
  if (input.anthropic) {
    const createdAt = new Date(input.created * 1000).toISOString();
    const data = input.models.map((id) => ({
      type: 'model',
      id,
      display_name: `Simulated ${id}`,
      created_at: createdAt,
    }));
    return JSON.stringify({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
  }
  return JSON.stringify({
    object: 'list',
    data: input.models.map((id) => ({ id, object: 'model', created: input.created, owned_by: 'tollgate-simulated' })),
  });
}
