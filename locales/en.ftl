# English messages of the thidua API (Fluent, https://projectfluent.org): the source language.
# English answers carry the call site's own detail and field messages; these are the titles, and
# the reference a translator works from. Same structure as vi.ftl.

## Problems, by HTTP status

idempotent_request_committed = Not an error: a retried Idempotency-Key whose first request committed but lost its answer; the body lists the records it changed (Location: the first).
    .title = Request already carried out
malformed_json = The body is not JSON (or is empty).
    .title = Malformed JSON
unreadable_body = The body could not be read (the connection broke, or its transfer encoding is invalid).
    .title = Unreadable body
invalid_query = A query parameter is unknown, of the wrong type, or out of range; a cursor we did not issue, or one issued for another list or other filters (errors names the parameter).
    .title = Invalid query parameter
invalid_query-param = Query parameter «{ $param }» is invalid: { $message }
invalid_path = A path segment is malformed (an id that is not a UUID).
    .title = Invalid path
invalid_idempotency_key = Idempotency-Key is empty, longer than 255 characters or not printable ASCII.
    .title = Invalid Idempotency-Key
invalid_token = No access token, or an expired, forged or revoked one (WWW-Authenticate: Bearer).
    .title = Not authenticated
invalid_credentials = Sign-in failed (the same answer whether or not the username exists).
    .title = Sign-in failed
invalid_id_token = The identity provider's ID token is not accepted: signature, algorithm, issuer, audience or lifetime.
    .title = Invalid ID token
id_token_reused = The ID token was already exchanged for a session; sign in at the identity provider again.
    .title = ID token reused
invalid_refresh_token = The refresh token is unknown, expired or revoked.
    .title = Invalid refresh token
refresh_token_reused = The refresh token was already used; the whole session is ended.
    .title = Refresh token reused
forbidden = Your roles do not allow the action on a record you can see (and any write by a service client).
    .title = Forbidden
account_deactivated = Single sign-on proved who you are, but your account here is deactivated.
    .title = Account deactivated
insufficient_scope = A service client's token lacks the scope the endpoint needs.
    .title = Insufficient scope
insufficient_scope-scope = This client's token lacks the { $scope } scope.
proof_of_work_required = A public comment without the proof of work the deployment asks for (docs/awards.md).
    .title = Proof of work required
proof_of_work_required-bits = Send Thidua-Proof-Of-Work with a nonce such that SHA-256 of the posting id, content and nonce starts with { $bits } zero bits.
not_found = No such record — or one of another unit, which you may not know exists; in errors, a referenced record that does not exist.
    .title = Not found
    .field = { $field }: a referenced record that does not exist.
not_found-what = { $what } not found.
route_not_found = No such path.
    .title = No such path
route_not_found-path = No resource at { $path }.
single_sign_on_off = Single sign-on is not configured on this deployment.
    .title = Single sign-on off
method_not_allowed = The path exists; Allow lists its methods.
    .title = Method not allowed
method_not_allowed-path = { $method } is not supported on { $path }.
method_not_allowed-allow = { $method } is not supported on { $path }; use { $allow }.
not_acceptable = None of the formats Accept (or format) asks for is offered.
    .title = Not acceptable
not_acceptable-formats = Reports are available as JSON, CSV or XLSX (format=json|csv|xlsx).
duplicate = A record with the same key exists; in errors, a value given twice where it may appear once.
    .title = Duplicate
    .field = { $field }: a value given twice where it may appear once.
duplicate-base_salary = A base salary takes effect on { $date } already.
referenced = The record is referenced by, or refers to, records that forbid this change.
    .title = Record referenced
write_conflict = A concurrent change got there first; retry.
    .title = Write conflict
code_in_use = Another unit or award type holds this code (for units: during an overlapping period).
    .title = Code in use
code_in_use-award = An award type has the code { $code }.
code_in_use-unit = The code { $code } is held by "{ $name }" during an overlapping period.
unit_in_use = Other records refer to this unit.
    .title = Unit in use
has_active_children = Subordinate units remain in force after the date given.
    .title = Subordinate units still in force
has_active_children-count = { $count } subordinate unit(s) remain in force after { $date }; end or move them first.
unit_has_users = Active accounts belong to this unit.
    .title = Unit has active accounts
unit_has_users-count = { $count } active account(s) belong to this unit; move them to its successor or deactivate them first.
already_inactive = The unit's validity already ends.
    .title = Unit validity already ends
already_inactive-on = The unit's validity already ends on { $date }.
username_taken = The username is taken.
    .title = Username taken
username_taken-name = The username { $username } is taken.
identity_taken = The identity provider's subject is already linked to another account.
    .title = Identity taken
last_admin = This would leave no active admin.
    .title = Last admin
cannot_lock_out_self = You cannot deactivate your own account or remove your own admin role.
    .title = Cannot lock yourself out
illegal_transition = The record's lifecycle does not allow this action from its current status.
    .title = Action not allowed in this status
illegal_transition-action = The { $record } cannot take "{ $action }" while { $status }.
illegal_transition-post = Only an approved nomination is posted; this one is { $status }.
illegal_transition-acknowledge = A nomination that is { $status } no longer has its warnings acknowledged.
campaign_not_launched = The campaign has not been launched yet.
    .title = Campaign not launched
campaign_frozen = The campaign is closed or cancelled.
    .title = Campaign closed or cancelled
campaign_frozen-status = The campaign is { $status }; it no longer changes.
campaign_launched = Indicators and participants are fixed once the campaign is launched.
    .title = Campaign launched
deadline_passed = The registration deadline, or a council session's voting deadline, has passed.
    .title = Deadline passed
deadline_passed-registration = Registrations closed on { $date }.
already_registered = This unit has registered for the campaign already.
    .title = Already registered
registration_submitted = The board is reviewing this registration.
    .title = Registration under review
registration_accepted = An accepted registration no longer changes.
    .title = Registration accepted
achievement_verified = A verified report no longer changes.
    .title = Report verified
achievement_in_nomination = A nomination under review rests on this report.
    .title = Report behind a nomination
reporting_closed = Reports are no longer accepted: the campaign ended more than its grace period ago.
    .title = Reporting closed
    .field = { $field }: reports are no longer accepted: the campaign ended more than its grace period ago.
reporting_closed-until = Reports were accepted until { $date }.
no_indicators = A campaign needs at least one indicator before launching.
    .title = No indicators
no_targets = A registration needs at least one target before submitting.
    .title = No targets
name_taken = A cluster of that name exists for that year.
    .title = Name taken
cluster_in_use = A launched or finished campaign runs by this cluster: its members and year are fixed.
    .title = Cluster in use
nomination_locked = The nomination no longer changes in its current status (documents only on a draft or returned one).
    .title = Nomination locked
nomination_locked-status = A nomination that is { $status } no longer changes; it changes only as a draft or once returned.
before_council = The nomination is before an open council session.
    .title = Before the council
council_vote_required = This award needs the council's vote first.
    .title = Council vote required
already_voted = You have voted on this nomination in this session.
    .title = Already voted
session_closed = The council session is closed.
    .title = Session closed
proposal_closed = The cluster's count is closed.
    .title = Count closed
no_ballots = No member of the cluster has cast a ballot yet.
    .title = No ballots
voting_in_progress = A council session closes only once every member has voted or after its deadline.
    .title = Voting in progress
voting_in_progress-count = { $cast } of { $total } ballots are cast; the session closes when every member has voted.
voting_in_progress-deadline = { $cast } of { $total } ballots are cast; the session closes when every member has voted, or after { $time } on { $date }.
number_in_use = A decision with this number exists.
    .title = Number in use
number_in_use-number = A decision numbered { $number } exists.
already_revoked = The award was revoked already.
    .title = Already revoked
client_revoked = Rotating the secret of a revoked service client.
    .title = Client revoked
idempotency_key_in_progress = The first request with this Idempotency-Key is still running (or has just committed and is storing its answer); retry after Retry-After.
    .title = Request in progress
stale_version = If-Match did not match the current version.
    .title = Stale version
payload_too_large = Body over the limit (1 MiB by default).
    .title = Payload too large
unsupported_media_type = A body that is not application/json.
    .title = Unsupported media type
unsupported_file_type = An upload that is not PDF, PNG, JPEG, DOCX or XLSX.
    .title = Unsupported file type
invalid_body = Well-formed JSON with a field of the wrong type, a missing required field, or an unknown field.
    .title = Invalid body
validation_failed = The values break the rules; every offending field is listed in errors.
    .title = Validation failed
validation_failed-count = { $count ->
        [one] The request has 1 invalid field.
       *[other] The request has { $count } invalid fields.
    }
not_eligible = A nomination's submission found blocking problems, each in errors.
    .title = Not eligible
not_acknowledgeable = The nomination has no open warning of this code: refusals, and warnings already acknowledged, cannot be acknowledged.
    .title = Nothing to acknowledge
not_acknowledgeable-code = The nomination has no open warning "{ $code }": a refusal, or a warning already acknowledged, cannot be acknowledged.
idempotency_key_reused = This Idempotency-Key was used for a different request (another body or query).
    .title = Idempotency-Key reused
precondition_required = A PUT without If-Match.
    .title = Precondition required
too_many_requests = Sign-in throttled from this address, a public-comment quota full, or the client's request rate exceeded; wait Retry-After seconds.
    .title = Too many requests
internal_error = A bug; the detail is generic, the log has the cause under the response's X-Request-Id.
    .title = Internal error
database_unavailable = The database is unreachable; retry after Retry-After.
    .title = Database unavailable
busy = The service is overloaded (too many sign-ins hashing at once, a busy database); retry after Retry-After.
    .title = Busy
storage_unavailable = The file store is not reachable; retry after Retry-After.
    .title = Storage unavailable
identity_provider_unavailable = The identity provider cannot be reached to check an ID token; retry shortly (password sign-in still works).
    .title = Identity provider unavailable
http_error = The request was not handled (HTTP status { $status }).
    .title = HTTP error { $status }

## Field errors (errors[].code); $field is the field's name

achievement_already_rewarded = { $field }: achievements of the nomination are already rewarded or behind another nomination.
after_end = { $field }: a date falls after the end of the period it belongs to.
already_scheduled = { $field }: the nomination is before another open council session.
before_start = { $field }: a date falls before the start of the period it belongs to.
cannot_remove = { $field }: a submitted nomination's achievements can be added to, not removed.
comments_unreviewed = { $field }: the public's comments on the posting are not all reviewed yet.
comments_unreviewed-count = { $field }: { $count ->
    [one] one comment of the public on the posting is
   *[other] { $count } comments of the public on the posting are
} not reviewed yet.
authority_mismatch = { $field }: the deciding level does not grant this award type (Art 80 of the Law on Emulation and Commendation).
authority_mismatch-level = { $field }: { $level } does not grant «{ $award }»; it is granted by: { $granted_by }.
conflicting_parameters = { $field }: query parameters that exclude each other (year with from_year), or a range whose ends are reversed.
contains_username = { $field }: a password must not contain the username.
content_mismatch = { $field }: an uploaded file's bytes are not of the type its Content-Type names.
credentials_in_url = { $field }: a webhook URL must not carry a user name or password.
duplicate_nomination = { $field }: the nominee is already nominated for this award and year.
host_not_allowed = { $field }: a webhook URL's host is not on the service's allow-list.
immutable = { $field }: the field cannot change once the record exists (a record cannot move to another unit).
in_future = { $field }: a date must not be after today.
in_the_past = { $field }: a date must be in the future.
inactive_parent = { $field }: the parent unit is not in force during this unit's validity period.
inactive_unit = { $field }: the unit is not in force when the record needs it.
incomplete = { $field }: fields that go together are given only in part.
incorrect = { $field }: the current password given is wrong.
insecure_scheme = { $field }: a webhook URL must use https://.
invalid = { $field }: the value is not acceptable (a query parameter of the wrong form, a unit as its own parent, an unknown event type).
invalid_characters = { $field }: text must not contain control characters.
invalid_choice = { $field }: the value is not one of the allowed choices.
invalid_cursor = { $field }: a cursor this service did not issue, or one issued for another list or other filters.
invalid_decimal = { $field }: a decimal must be a number written as a string, e.g. "12.5".
invalid_format = { $field }: the value does not have the required format (a GSO code, an email address, a phone number).
invalid_type = { $field }: a body field has the wrong JSON type (a string where a number is expected).
invalid_scheme = { $field }: a webhook URL must be an https:// URL.
invalid_url = { $field }: a webhook URL is not an absolute URL with a host.
member_disciplined = { $field }: people of the unit were disciplined that year, in a form the rules do not allow.
member_share_short = { $field }: too few of the unit's people hold the title the rules ask a share of.
member_title_missing = { $field }: no one of the unit holds the title the rules ask at least one member to hold.
missing_documents = { $field }: the dossier lacks required documents.
negative = { $field }: a value must not be negative.
no_rules = { $field }: the award type has no rules in force today.
no_vote_needed = { $field }: the award needs no council vote.
not_a_council_member = { $field }: a council seat must go to an active user with the council_member role who is not an admin.
not_a_member = { $field }: the leading unit must be one of the cluster's members.
not_after_current = { $field }: a new version must take effect after the current one.
not_allowed = { $field }: the field may not be given here (or by you).
not_approved = { $field }: posted before the council meets, the nomination is voted on by the council before it is decided.
not_appraised = { $field }: only appraised nominations go to the council.
not_in_force = { $field }: the council's term does not cover today.
not_in_session = { $field }: not a member of the council session.
not_on_agenda = { $field }: the council session does not vote on this nomination.
not_participating = { $field }: the unit does not take part in the campaign.
not_posted = { $field }: the award has not been publicly posted.
not_registered = { $field }: the unit has not registered a target for this indicator.
not_whole = { $field }: a count must be a whole number.
out_of_range = { $field }: the value is outside its allowed range (a percentage over 100, a date outside 1900–2200).
outside_campaign = { $field }: a date must fall within the campaign.
port_not_allowed = { $field }: a webhook URL must use a port the service allows.
outside_level = { $field }: outside the unit's level; a unit runs emulation and commendation for itself only.
posting_not_over = { $field }: the award's public posting has not run its course yet.
prerequisite_streak = { $field }: the nominee lacks the prerequisite awards for the consecutive years needed.
prerequisite_pending = { $field }: the prerequisite is met only once the nominee's nomination for it, still under review, is granted.
prerequisite_borderline = { $field }: the prerequisite streak holds only with gaps the rules leave to the board.
initiative_missing = { $field }: the nominee has no initiative of the scope and years the rules ask for (nor what they accept instead).
initiative_unregistered = { $field }: the initiative is proven only by the dossier's document, not by one in the registry.
private_address = { $field }: a webhook URL must not point at a loopback, private, link-local or otherwise internal address.
quota_exceeded = { $field }: the nomination is beyond the unit's quota this year.
required = { $field }: the field is required (and must not be empty).
term_overlap = { $field }: another council of this unit starts on or after this day.
title_not_registered = { $field }: the unit's accepted title registration for the year does not list this title for the nominee.
too_common = { $field }: a password is one of the most common passwords.
too_far = { $field }: a date is too far ahead.
too_few = { $field }: fewer items than the minimum (a council's members).
too_long = { $field }: the value is longer than allowed.
too_long-max = { $field } must be at most { $max } characters.
too_many = { $field }: more items than allowed.
too_precise = { $field }: a decimal has more decimal places than allowed.
too_short = { $field }: the value is shorter than allowed (a password, a posting period).
too_short-min = { $field } must be at least { $min } characters.
two_chairs = { $field }: a council has at most one chair.
unchanged = { $field }: a new password must differ from the current one.
under_discipline = { $field }: the nominee is under discipline, inspection or complaint.
unknown_field = { $field }: the body has a field the endpoint does not know (unknown fields are refused, not ignored).
unknown_reference = { $field }: a query parameter refers to no record.
unknown_scope = { $field }: the scope is not one a service client can be granted.
unresolvable_host = { $field }: a webhook URL's host name does not resolve.
wrong_kind = { $field }: the referenced record is of another kind (a commune type on /districts, a department where a commune is needed).
wrong_subject = { $field }: the award type is for another kind of nominee (individual, collective, household).

## Specific eligibility problems (errors[].message of not_eligible)

achievement_already_rewarded-count = { $field }: { $count } of its achievements are already rewarded or behind another nomination.
missing_documents-kinds = { $field }: the dossier lacks { $kinds }.
prerequisite_streak-years =
    { $count ->
        [1] { $field }: the nominee does not hold «{ $title }» for { $last }.
       *[other] { $field }: needs «{ $title }» for { $count } consecutive years, { $first } to { $last }; the nominee lacks { $missing }.
    }
prerequisite_streak-awards = { $field }: needs { $count } consecutive awards of «{ $title }» (each covering { $span } years), the latest no later than { $last }; the nominee has { $got } in a row.
prerequisite_borderline-years =
    { $count ->
        [1] { $field }: needs «{ $title }» for { $last }; the nominee lacks it, within the gap the rules leave to the board.
       *[other] { $field }: needs «{ $title }» for { $count } consecutive years, { $first } to { $last }; the nominee lacks { $missing }, within the gaps the rules leave to the board.
    }
prerequisite_borderline-awards = { $field }: needs { $count } consecutive awards of «{ $title }» (each covering { $span } years), the latest no later than { $last }; the nominee has { $got } in a row, with gaps the rules leave to the board.
prerequisite_pending-title = { $field }: the nominee does not hold «{ $title }» yet but is nominated for it ({ $years }); eligible only once that title is granted.
member_share_short-count = { $field }: { $strictly ->
        [yes] more than
       *[no] at least
    } { $percent }% of the unit's people must hold «{ $title }» in { $year }, that is { $needed } of { $members }; { $holding } do.
member_title_missing-title = { $field }: someone of the unit must hold «{ $title }» in { $year }; no one does.
member_disciplined-names = { $field }: in { $year }, people of the unit were disciplined with { $form } or heavier: { $names }.
too_short-posting = { $field }: the rules post for { $days } { $count_en }: until { $earliest } at the earliest.
title_not_registered-title = { $field }: the unit's accepted title registration for { $year } does not list «{ $title }» for this nominee.
cluster_not_proposed = { $field }: the unit's emulation cluster did not propose it for this flag.
cluster_not_proposed-none = { $field }: the unit is in no emulation cluster in { $year }; a flag goes to the unit its cluster proposes.
cluster_not_proposed-open = { $field }: the cluster «{ $cluster }» has not closed its count for this flag.
cluster_not_proposed-other = { $field }: the cluster «{ $cluster }» proposed «{ $proposed }»; this unit ranked { $rank }.
quota_exceeded-count = { $field }: the unit's quota for { $year } is { $allowed }; this would be number { $used }.
initiative_missing-wanted = { $field }: needs an initiative recognised at { $scope } level or above { $years ->
        [1] in { $last };
       *[other] in { $first }–{ $last };
    } the nominee has none.
initiative_unregistered-wanted = { $field }: needs an initiative recognised at { $scope } level or above { $years ->
        [1] in { $last };
       *[other] in { $first }–{ $last };
    } none is registered, the dossier's initiative document stands in for it before the board.

## Why an ID token is not accepted (detail of invalid_id_token)

invalid_id_token-not_jwt = The ID token is not accepted: it is not a signed JWT.
invalid_id_token-algorithm = The ID token is not accepted: only RS256 and ES256 signatures are accepted.
invalid_id_token-expired = The ID token is not accepted: it has expired.
invalid_id_token-immature = The ID token is not accepted: it is not valid yet.
invalid_id_token-audience = The ID token is not accepted: it was issued for another audience.
invalid_id_token-issuer = The ID token is not accepted: it was issued by another provider.
invalid_id_token-signature = The ID token is not accepted: its signature does not verify.
invalid_id_token-claim = The ID token is not accepted: a required claim is missing.
invalid_id_token-unreadable = The ID token is not accepted: it cannot be read.
invalid_id_token-azp = The ID token is not accepted: it was issued to another client (azp).
invalid_id_token-sub = The ID token is not accepted: the required claim `sub` is missing, empty or too long.
invalid_id_token-unknown_key = The ID token is not accepted: it is signed with a key the provider does not publish.
invalid_id_token-unusable_key = The ID token is not accepted: the provider's key cannot be used.

## Field names (field-<name>), as $field

field-unnamed = Field «{ $path }»
field-achievement_ids = Achievement ids
field-active_on = Active on
field-after = After
field-aimed_titles = Aimed titles
field-approval_threshold_percent = Approval threshold percent
field-as_of = As of
field-award_type_id = Award type
field-birth_year = Birth year
field-body = Body
field-campaign_id = Campaign
field-category = Category
field-cluster_id = Cluster
field-cluster_ids = Cluster ids
field-code = Code
field-content = Content
field-council_id = Council
field-current_password = Current password
field-decided_on = Decided on
field-description = Description
field-direction = Direction
field-eligibility = Eligibility
field-eligibility_warning = Eligibility warning
field-email = Email
field-end_date = End date
field-event_types = Event types
field-file = File
field-final_review_on = Final review on
field-format = Format
field-from_year = From year
field-full_name = Full name
field-id = Id
field-id_token = ID token
field-identity_number = Identity number
field-indicator_id = Indicator
field-interim_review_on = Interim review on
field-kind = Kind
field-leader_id = Leader
field-limit = Limit
field-member_ids = Member ids
field-members = Members
field-name = Name
field-narrative = Narrative
field-new_password = New password
field-nomination_id = Nomination
field-nomination_ids = Nomination ids
field-note = Note
field-number = Number
field-parent_id = Parent
field-password = Password
field-person_id = Person
field-phone = Phone
field-posting_days = Posting days
field-q = Q
field-quota_of_code = Quota of code
field-quota_percent = Quota percent
field-reason = Reason
field-registration_deadline = Registration deadline
field-role = Role
field-roles = Roles
field-roll_up = Roll up
field-scopes = Scopes
field-signer = Signer
field-start_date = Start date
field-status = Status
field-subject = Subject
field-target = Target
field-targets = Targets
field-term_end = Term end
field-term_start = Term start
field-title = Title
field-to_year = To year
field-type = Type
field-unit_id = Unit
field-unit_ids = Unit ids
field-url = Url
field-username = Username
field-valid_from = Valid from
field-valid_until = Valid until
field-value = Value
field-voting_deadline = Voting deadline
field-wait = Wait
field-year = Year

## Kinds of record (record-<kind>), for "… not found"

record-achievement = achievement
record-award = award
record-award_type = award type
record-campaign = campaign
record-cluster = cluster
record-comment = comment
record-commune = commune
record-council = council
record-council_session = council session
record-decision = decision
record-department = department
record-district = district
record-document = document
record-evidence_file = evidence file
record-indicator = indicator
record-nomination = nomination
record-person = person
record-posting = posting
record-province = province
record-record = record
record-round = round
record-dossier = dossier
record-title_registration = title registration
record-registration = registration
record-review = review
record-scoring_scheme = scoring scheme
record-service_client = service client
record-user = user
record-webhook = webhook
