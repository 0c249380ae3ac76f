/** The mountpoint typed to confirm a dangerous freeze: the freeze dialog's and the backup review's. */
export function MountpointConfirm({ id, mountpoint, value, onChange, hint }: { id: string; mountpoint: string; value: string; onChange: (value: string) => void; hint: string }) {
  const wrong = value !== '' && value !== mountpoint;
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        Type {mountpoint} to confirm
      </label>
      <input
        id={id}
        type="text"
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={wrong || undefined}
        aria-describedby={`${id}-hint`}
      />
      <p id={`${id}-hint`} className={wrong ? 'field__problem' : 'field__hint'}>
        {wrong ? 'That is not the mountpoint.' : hint}
      </p>
    </div>
  );
}
