/** Save text as a file in the browser's downloads: a Blob behind an object URL, clicked through a temporary link. */
export function downloadText(filename: string, mime: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken the data by then; the URL would otherwise live as long as the page.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
