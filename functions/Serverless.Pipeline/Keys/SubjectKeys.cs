using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Keys;

/// <summary>
/// The join keys that identify a person without naming them: of the customer id (subject), the email and the phone.
/// Suppression rows, identity lookups and audit records hold these, never the identifiers themselves.
/// </summary>
public sealed record SubjectKeys(string? Subject, string? Email, string? Phone)
{
    public const string SubjectKind = "subject";
    public const string EmailKind = "email";
    public const string PhoneKind = "phone";

    public static SubjectKeys For(Pseudonymizer pseudonymizer, string tenant, string? subject, string? email, string? phone)
    {
        ArgumentNullException.ThrowIfNull(pseudonymizer);
        return new SubjectKeys(
            subject is null ? null : pseudonymizer.JoinKey(tenant, SubjectKind + ":" + subject),
            email is null ? null : pseudonymizer.JoinKey(tenant, email),
            phone is null ? null : pseudonymizer.JoinKey(tenant, phone));
    }

    /// <summary>The keys of one event: its subject and the contact fields it carries.</summary>
    public static SubjectKeys Of(Pseudonymizer pseudonymizer, string tenant, string subject, IReadOnlyDictionary<ContactField, string> contact)
    {
        ArgumentNullException.ThrowIfNull(contact);
        return For(pseudonymizer, tenant, subject, contact.GetValueOrDefault(ContactField.Email), contact.GetValueOrDefault(ContactField.Phone));
    }

    public IEnumerable<(string Kind, string Key)> All()
    {
        if (Subject is not null)
        {
            yield return (SubjectKind, Subject);
        }

        if (Email is not null)
        {
            yield return (EmailKind, Email);
        }

        if (Phone is not null)
        {
            yield return (PhoneKind, Phone);
        }
    }
}
