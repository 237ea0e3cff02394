# Thông điệp tiếng Việt của API thidua (Fluent, https://projectfluent.org).
#
# Mỗi mã lỗi (`code`) có một thông điệp cùng tên:
# - mã lỗi của vấn đề (problem): giá trị là `detail` chung, thuộc tính `.title` là `title`;
# - mã lỗi của trường (`errors[].code`): giá trị là `errors[].message`, với `$field` là tên trường;
# - mã vừa là vấn đề vừa là lỗi trường: thêm thuộc tính `.field` cho lỗi trường.
# Thông điệp có hậu tố (`not_found-what`, `too_long-max`) là thông điệp cụ thể hơn, có tham số.
# Văn phong hành chính; Unicode dạng NFC.

## Vấn đề (problem), theo mã trạng thái HTTP

idempotent_request_committed = Yêu cầu này đã được thực hiện trước đó; nội dung trả về liệt kê các bản ghi đã thay đổi.
    .title = Yêu cầu đã được thực hiện
malformed_json = Nội dung yêu cầu bị để trống hoặc không phải là JSON hợp lệ.
    .title = Nội dung không phải là JSON hợp lệ
unreadable_body = Không đọc được nội dung yêu cầu (kết nối bị ngắt hoặc mã hóa truyền tải không hợp lệ).
    .title = Không đọc được nội dung yêu cầu
invalid_query = Tham số truy vấn không hợp lệ; chi tiết tại danh sách lỗi.
    .title = Tham số truy vấn không hợp lệ
invalid_query-param = Tham số truy vấn «{ $param }» không hợp lệ: { $message }
invalid_path = Một thành phần của đường dẫn không hợp lệ (mã định danh phải là UUID).
    .title = Đường dẫn không hợp lệ
invalid_idempotency_key = Tiêu đề Idempotency-Key phải có từ 1 đến 255 ký tự ASCII in được.
    .title = Khóa Idempotency-Key không hợp lệ
invalid_token = Thiếu mã truy cập, hoặc mã truy cập đã hết hạn, không hợp lệ hoặc đã bị thu hồi. Vui lòng đăng nhập lại.
    .title = Chưa xác thực
invalid_credentials = Tên đăng nhập hoặc mật khẩu không đúng.
    .title = Đăng nhập không thành công
invalid_id_token = Mã định danh (ID token) của hệ thống xác thực không được chấp nhận (chữ ký, thuật toán, bên phát hành, bên nhận hoặc thời hạn không hợp lệ).
    .title = Mã định danh không hợp lệ
id_token_reused = Mã định danh (ID token) này đã được dùng để đăng nhập; vui lòng đăng nhập lại tại hệ thống xác thực.
    .title = Mã định danh đã được sử dụng
invalid_refresh_token = Mã làm mới phiên không tồn tại, đã hết hạn hoặc đã bị thu hồi. Vui lòng đăng nhập lại.
    .title = Mã làm mới phiên không hợp lệ
refresh_token_reused = Mã làm mới phiên đã được sử dụng trước đó; toàn bộ phiên đăng nhập đã bị chấm dứt. Vui lòng đăng nhập lại.
    .title = Mã làm mới phiên đã được sử dụng
forbidden = Vai trò của bạn không cho phép thực hiện thao tác này.
    .title = Không có quyền thực hiện
account_deactivated = Hệ thống xác thực tập trung đã xác nhận danh tính của bạn, nhưng tài khoản của bạn trên hệ thống này đã bị vô hiệu hóa.
    .title = Tài khoản đã bị vô hiệu hóa
insufficient_scope = Mã truy cập của ứng dụng không có phạm vi truy cập mà thao tác này yêu cầu.
    .title = Không đủ phạm vi truy cập
insufficient_scope-scope = Mã truy cập của ứng dụng không có phạm vi «{ $scope }» mà thao tác này yêu cầu.
proof_of_work_required = Góp ý công khai phải kèm bằng chứng tính toán (proof of work) theo yêu cầu của hệ thống.
    .title = Thiếu bằng chứng tính toán
proof_of_work_required-bits = Cần gửi tiêu đề Thidua-Proof-Of-Work với giá trị nonce sao cho SHA-256 của «mã tin niêm yết, nội dung, nonce» bắt đầu bằng { $bits } bit 0.
not_found = Không tìm thấy bản ghi.
    .title = Không tìm thấy
    .field = { $field }: không có bản ghi nào mang mã định danh này.
not_found-what = Không tìm thấy { $what }.
route_not_found = Không có tài nguyên nào tại đường dẫn này.
    .title = Không có đường dẫn này
route_not_found-path = Không có tài nguyên nào tại đường dẫn { $path }.
single_sign_on_off = Hệ thống chưa được cấu hình đăng nhập một lần (SSO).
    .title = Chưa cấu hình đăng nhập một lần
method_not_allowed = Đường dẫn này không hỗ trợ phương thức đã dùng; tiêu đề Allow liệt kê các phương thức được hỗ trợ.
    .title = Phương thức không được hỗ trợ
method_not_allowed-path = Phương thức { $method } không được hỗ trợ tại { $path }.
method_not_allowed-allow = Phương thức { $method } không được hỗ trợ tại { $path }; hãy dùng { $allow }.
not_acceptable = Không có định dạng nào trong tiêu đề Accept (hoặc tham số format) được hỗ trợ.
    .title = Định dạng không được hỗ trợ
not_acceptable-formats = Báo cáo được cung cấp ở định dạng JSON, CSV hoặc XLSX (tham số format=json|csv|xlsx).
duplicate = Đã có bản ghi trùng khóa.
    .title = Bản ghi đã tồn tại
    .field = { $field }: giá trị bị lặp lại.
duplicate-base_salary = Đã có mức lương cơ sở áp dụng từ { $date }.
referenced = Không thể thực hiện thay đổi này: bản ghi đang được bản ghi khác tham chiếu hoặc đang tham chiếu tới bản ghi không cho phép thay đổi.
    .title = Bản ghi đang được tham chiếu
write_conflict = Một thay đổi đồng thời đã được ghi trước; vui lòng gửi lại yêu cầu.
    .title = Xung đột khi ghi dữ liệu
code_in_use = Mã này đã được một đơn vị khác hoặc một danh hiệu, hình thức khen thưởng khác sử dụng (đối với đơn vị: trong khoảng thời gian trùng nhau).
    .title = Mã đã được sử dụng
code_in_use-award = Mã { $code } đã được một danh hiệu, hình thức khen thưởng khác sử dụng.
code_in_use-unit = Mã { $code } đang được đơn vị «{ $name }» sử dụng trong khoảng thời gian trùng nhau.
unit_in_use = Có bản ghi khác đang tham chiếu tới đơn vị này.
    .title = Đơn vị đang được sử dụng
has_active_children = Còn đơn vị trực thuộc có hiệu lực sau ngày đã nêu; cần chấm dứt hiệu lực hoặc chuyển các đơn vị đó sang đơn vị cấp trên khác trước.
    .title = Còn đơn vị trực thuộc đang có hiệu lực
has_active_children-count = Còn { $count } đơn vị trực thuộc có hiệu lực sau { $date }; cần chấm dứt hiệu lực hoặc chuyển các đơn vị đó sang đơn vị cấp trên khác trước.
unit_has_users = Còn tài khoản đang hoạt động thuộc đơn vị này.
    .title = Đơn vị còn tài khoản đang hoạt động
unit_has_users-count = Còn { $count } tài khoản đang hoạt động thuộc đơn vị này; cần chuyển sang đơn vị kế thừa hoặc khóa các tài khoản đó trước.
already_inactive = Đơn vị đã có ngày hết hiệu lực.
    .title = Đơn vị đã có ngày hết hiệu lực
already_inactive-on = Đơn vị đã có ngày hết hiệu lực là { $date }.
username_taken = Tên đăng nhập này đã được sử dụng.
    .title = Tên đăng nhập đã tồn tại
username_taken-name = Tên đăng nhập { $username } đã được sử dụng.
identity_taken = Danh tính trên hệ thống xác thực này đã được liên kết với một tài khoản khác.
    .title = Danh tính đã được liên kết
last_admin = Thao tác này sẽ khiến hệ thống không còn quản trị viên nào đang hoạt động.
    .title = Không thể bỏ quản trị viên cuối cùng
cannot_lock_out_self = Bạn không thể vô hiệu hóa tài khoản của chính mình hoặc tự gỡ vai trò quản trị viên.
    .title = Không thể tự khóa tài khoản của mình
illegal_transition = Quy trình xử lý không cho phép thao tác này ở trạng thái hiện tại của bản ghi.
    .title = Thao tác không phù hợp với trạng thái
illegal_transition-action = Không thể thực hiện thao tác «{ $action }» khi { $record } đang ở trạng thái «{ $status }».
illegal_transition-post = Chỉ hồ sơ đã được chấp thuận mới được công khai; hồ sơ đang ở trạng thái «{ $status }».
illegal_transition-acknowledge = Hồ sơ đang ở trạng thái «{ $status }»: không còn xác nhận cảnh báo được nữa.
campaign_not_launched = Phong trào thi đua chưa được phát động.
    .title = Phong trào chưa được phát động
campaign_frozen = Phong trào thi đua đã kết thúc hoặc đã bị hủy; không được thay đổi.
    .title = Phong trào đã kết thúc hoặc bị hủy
campaign_frozen-status = Phong trào thi đua đang ở trạng thái «{ $status }»; không được thay đổi.
campaign_launched = Phong trào đã được phát động: các chỉ tiêu và đơn vị tham gia không được thay đổi.
    .title = Phong trào đã được phát động
deadline_passed = Đã quá hạn đăng ký hoặc quá hạn biểu quyết của phiên họp hội đồng.
    .title = Đã quá hạn
deadline_passed-registration = Đã hết hạn đăng ký thi đua; hạn cuối là { $date }.
already_registered = Đơn vị đã đăng ký tham gia phong trào này.
    .title = Đơn vị đã đăng ký
registration_submitted = Bản đăng ký đang được xem xét; không được sửa đổi.
    .title = Bản đăng ký đang được xem xét
registration_accepted = Bản đăng ký đã được chấp thuận; không được thay đổi.
    .title = Bản đăng ký đã được chấp thuận
achievement_verified = Báo cáo thành tích đã được xác nhận; không được thay đổi.
    .title = Báo cáo thành tích đã được xác nhận
achievement_in_nomination = Báo cáo thành tích này là căn cứ của một hồ sơ đề nghị khen thưởng đang được xem xét.
    .title = Thành tích đang được đề nghị khen thưởng
reporting_closed = Đã hết hạn nhận báo cáo: phong trào đã kết thúc và đã hết thời gian gia hạn.
    .title = Đã hết hạn nhận báo cáo
    .field = { $field }: đã hết hạn nhận báo cáo của phong trào này.
reporting_closed-until = Đã hết hạn nhận báo cáo; hạn cuối là { $date }.
no_indicators = Phong trào phải có ít nhất một chỉ tiêu trước khi phát động.
    .title = Phong trào chưa có chỉ tiêu
no_targets = Bản đăng ký phải có ít nhất một chỉ tiêu trước khi gửi.
    .title = Bản đăng ký chưa có chỉ tiêu
name_taken = Đã có cụm, khối thi đua cùng tên trong năm này.
    .title = Tên cụm, khối thi đua đã tồn tại
cluster_in_use = Cụm, khối thi đua là căn cứ của phong trào đã phát động hoặc đã kết thúc: không được thay đổi thành viên và năm.
    .title = Cụm, khối thi đua đang được sử dụng
nomination_locked = Hồ sơ đề nghị khen thưởng không được sửa đổi ở trạng thái hiện tại (chỉ được sửa đổi khi ở trạng thái dự thảo hoặc bị trả lại để bổ sung).
    .title = Hồ sơ không được sửa đổi
nomination_locked-status = Hồ sơ đang ở trạng thái «{ $status }» nên không được sửa đổi; hồ sơ chỉ được sửa khi là dự thảo hoặc bị trả lại.
before_council = Hồ sơ đề nghị đang được trình tại một phiên họp hội đồng chưa kết thúc.
    .title = Hồ sơ đang được trình hội đồng
council_vote_required = Danh hiệu, hình thức khen thưởng này phải được Hội đồng Thi đua – Khen thưởng biểu quyết trước.
    .title = Cần có biểu quyết của hội đồng
already_voted = Bạn đã biểu quyết đối với hồ sơ này trong phiên họp này.
    .title = Đã biểu quyết
session_closed = Phiên họp hội đồng đã kết thúc.
    .title = Phiên họp đã kết thúc
voting_in_progress = Phiên họp chỉ kết thúc khi mọi thành viên đã biểu quyết hoặc đã hết hạn biểu quyết.
    .title = Đang biểu quyết
voting_in_progress-count = Mới có { $cast }/{ $total } phiếu biểu quyết; phiên họp chỉ kết thúc khi mọi thành viên đã biểu quyết.
voting_in_progress-deadline = Mới có { $cast }/{ $total } phiếu biểu quyết; phiên họp chỉ kết thúc khi mọi thành viên đã biểu quyết hoặc sau { $time } { $date }.
number_in_use = Đã có quyết định mang số này.
    .title = Số quyết định đã tồn tại
number_in_use-number = Đã có quyết định số { $number }.
already_revoked = Khen thưởng này đã bị thu hồi trước đó.
    .title = Khen thưởng đã bị thu hồi
client_revoked = Không thể cấp lại khóa bí mật cho ứng dụng đã bị thu hồi.
    .title = Ứng dụng đã bị thu hồi
idempotency_key_in_progress = Yêu cầu đầu tiên với khóa Idempotency-Key này đang được xử lý; vui lòng thử lại sau số giây ghi tại tiêu đề Retry-After.
    .title = Yêu cầu đang được xử lý
stale_version = Bản ghi đã bị thay đổi kể từ lần bạn tải gần nhất; vui lòng tải lại bản ghi và thực hiện lại thay đổi.
    .title = Bản ghi đã thay đổi
payload_too_large = Nội dung yêu cầu vượt quá dung lượng cho phép.
    .title = Nội dung quá lớn
unsupported_media_type = Nội dung yêu cầu phải có kiểu application/json.
    .title = Kiểu nội dung không được hỗ trợ
unsupported_file_type = Chỉ nhận tệp PDF, PNG, JPEG, DOCX hoặc XLSX.
    .title = Loại tệp không được hỗ trợ
invalid_body = Nội dung yêu cầu có trường sai kiểu dữ liệu, thiếu trường bắt buộc hoặc có trường không xác định.
    .title = Nội dung yêu cầu không hợp lệ
validation_failed = Dữ liệu không đáp ứng yêu cầu; chi tiết tại danh sách lỗi.
    .title = Dữ liệu không hợp lệ
validation_failed-count = Yêu cầu có { $count } trường không hợp lệ.
not_eligible = Hồ sơ đề nghị chưa đủ điều kiện để gửi; chi tiết tại danh sách lỗi.
    .title = Chưa đủ điều kiện
not_acknowledgeable = Hồ sơ không có cảnh báo nào mang mã này đang chờ xác nhận: không thể xác nhận lý do từ chối hoặc cảnh báo đã được xác nhận trước đó.
    .title = Không thể xác nhận cảnh báo
not_acknowledgeable-code = Hồ sơ không có cảnh báo «{ $code }» đang chờ xác nhận: không thể xác nhận một lý do từ chối, hoặc một cảnh báo đã được xác nhận trước đó.
idempotency_key_reused = Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác (khác nội dung hoặc tham số).
    .title = Khóa Idempotency-Key đã được dùng
precondition_required = Yêu cầu PUT phải kèm tiêu đề If-Match chứa phiên bản hiện tại của bản ghi.
    .title = Thiếu tiêu đề If-Match
too_many_requests = Có quá nhiều yêu cầu trong thời gian ngắn; vui lòng chờ số giây ghi tại tiêu đề Retry-After rồi thử lại.
    .title = Quá nhiều yêu cầu
internal_error = Đã xảy ra lỗi ngoài dự kiến; lỗi đã được ghi nhận.
    .title = Lỗi hệ thống
database_unavailable = Không kết nối được cơ sở dữ liệu; vui lòng thử lại sau ít phút.
    .title = Cơ sở dữ liệu tạm thời không sẵn sàng
busy = Hệ thống đang quá tải; vui lòng thử lại sau ít phút.
    .title = Hệ thống đang bận
storage_unavailable = Không kết nối được kho lưu trữ tệp; vui lòng thử lại sau ít phút.
    .title = Kho lưu trữ tệp tạm thời không sẵn sàng
identity_provider_unavailable = Không kết nối được hệ thống xác thực để kiểm tra mã định danh; vui lòng thử lại sau ít phút (vẫn có thể đăng nhập bằng mật khẩu).
    .title = Hệ thống xác thực tạm thời không sẵn sàng
http_error = Yêu cầu không được xử lý (mã trạng thái HTTP { $status }).
    .title = Lỗi HTTP { $status }

## Lỗi của trường (errors[].code); $field là tên trường

achievement_already_rewarded = { $field }: thành tích đã được khen thưởng hoặc đang thuộc một hồ sơ đề nghị khác.
after_end = { $field } không được sau ngày kết thúc của khoảng thời gian tương ứng.
already_scheduled = { $field }: hồ sơ đang được trình tại một phiên họp hội đồng khác chưa kết thúc.
before_start = { $field } không được trước ngày bắt đầu của khoảng thời gian tương ứng.
cannot_remove = { $field }: hồ sơ đã gửi chỉ được bổ sung thành tích, không được rút bớt.
conflicting_parameters = { $field }: các tham số loại trừ lẫn nhau, hoặc giá trị đầu và cuối của khoảng bị đảo ngược.
contains_username = { $field } không được chứa tên đăng nhập.
content_mismatch = { $field }: nội dung tệp không đúng với kiểu tệp đã khai báo.
credentials_in_url = { $field } không được chứa tên người dùng hoặc mật khẩu.
duplicate_nomination = { $field }: đối tượng đã được đề nghị danh hiệu, hình thức khen thưởng này trong năm.
host_not_allowed = { $field }: máy chủ không thuộc danh sách được phép.
immutable = { $field } không được thay đổi sau khi bản ghi đã được tạo.
in_future = { $field } không được sau ngày hiện tại.
in_the_past = { $field } phải là một ngày trong tương lai.
inactive_parent = { $field }: đơn vị cấp trên không có hiệu lực trong thời hạn hiệu lực của đơn vị này.
inactive_unit = { $field }: đơn vị không có hiệu lực tại thời điểm áp dụng.
incomplete = { $field }: các trường phải được cung cấp đồng thời nhưng mới có một phần.
incorrect = { $field } không đúng.
insecure_scheme = { $field } phải dùng giao thức https://.
invalid = { $field } không hợp lệ.
invalid_characters = { $field } không được chứa ký tự điều khiển.
invalid_choice = { $field } không thuộc các giá trị được phép.
invalid_cursor = { $field }: con trỏ phân trang không hợp lệ hoặc không dùng cho danh sách và bộ lọc này.
invalid_decimal = { $field } phải là số thập phân viết dưới dạng chuỗi ký tự, ví dụ "12.5".
invalid_format = { $field } không đúng định dạng.
invalid_type = { $field } có kiểu dữ liệu không đúng.
invalid_scheme = { $field } phải là địa chỉ bắt đầu bằng https://.
invalid_url = { $field } phải là địa chỉ URL đầy đủ, có tên máy chủ.
member_disciplined = { $field }: trong năm, tập thể có cá nhân bị kỷ luật ở hình thức mà quy định không cho phép.
member_share_short = { $field }: tỷ lệ cá nhân trong tập thể đạt danh hiệu theo quy định chưa đủ.
member_title_missing = { $field }: tập thể chưa có cá nhân đạt danh hiệu mà quy định yêu cầu.
missing_documents = { $field }: hồ sơ còn thiếu tài liệu bắt buộc.
negative = { $field } không được là số âm.
no_rules = { $field }: danh hiệu, hình thức khen thưởng chưa có tiêu chuẩn nào đang có hiệu lực.
no_vote_needed = { $field }: danh hiệu, hình thức khen thưởng này không cần Hội đồng Thi đua – Khen thưởng biểu quyết.
not_a_council_member = { $field }: thành viên hội đồng phải là người dùng có tài khoản đang hoạt động, có vai trò thành viên Hội đồng Thi đua – Khen thưởng và không phải là quản trị viên.
not_a_member = { $field }: đơn vị trưởng cụm, khối phải là thành viên của cụm, khối.
not_after_current = { $field }: phiên bản mới phải có hiệu lực sau phiên bản hiện hành.
not_allowed = { $field }: không được cung cấp ở đây, hoặc bạn không có quyền cung cấp.
not_appraised = { $field }: chỉ hồ sơ đã được thẩm định mới được trình hội đồng.
not_in_force = { $field }: nhiệm kỳ của hội đồng không bao gồm ngày hôm nay.
not_on_agenda = { $field }: hồ sơ này không thuộc danh sách biểu quyết của phiên họp hội đồng.
not_participating = { $field }: đơn vị không tham gia phong trào.
not_posted = { $field }: hồ sơ đề nghị khen thưởng chưa được công khai.
not_registered = { $field }: đơn vị chưa đăng ký chỉ tiêu này.
not_whole = { $field } phải là số nguyên.
out_of_range = { $field } nằm ngoài khoảng giá trị cho phép.
outside_campaign = { $field } phải nằm trong thời gian diễn ra phong trào.
port_not_allowed = { $field } dùng cổng không được phép.
posting_not_over = { $field }: thời gian công khai hồ sơ đề nghị khen thưởng chưa kết thúc.
prerequisite_streak = { $field }: đối tượng chưa được tặng danh hiệu, hình thức khen thưởng làm điều kiện đủ số năm hoặc số lần liên tục theo quy định.
prerequisite_pending = { $field }: điều kiện về danh hiệu chỉ được đáp ứng khi đề nghị danh hiệu đó của đối tượng (cùng năm, cùng đợt) được công nhận.
prerequisite_borderline = { $field }: chuỗi năm đạt danh hiệu, hình thức khen thưởng làm điều kiện bị gián đoạn trong giới hạn quy định cho phép; trường hợp này do Ban Thi đua – Khen thưởng xem xét.
initiative_missing = { $field }: đối tượng chưa có sáng kiến được công nhận với phạm vi ảnh hưởng và trong thời hạn theo quy định (hoặc thành tích khác được chấp nhận thay thế).
initiative_unregistered = { $field }: sáng kiến chỉ được chứng minh bằng tài liệu trong hồ sơ, chưa có trong sổ đăng ký sáng kiến.
private_address = { $field } không được trỏ tới địa chỉ nội bộ (loopback, mạng riêng, link-local).
quota_exceeded = { $field }: hồ sơ vượt quá tỷ lệ khen thưởng của đơn vị trong năm.
required = { $field } là bắt buộc.
term_overlap = { $field }: đã có hội đồng khác của đơn vị bắt đầu nhiệm kỳ vào hoặc sau ngày này.
title_not_registered = { $field }: đối tượng chưa được đăng ký danh hiệu này trong bản đăng ký thi đua đầu năm đã được chấp nhận của đơn vị.
too_common = { $field } quá phổ biến, dễ bị đoán; vui lòng chọn mật khẩu khác.
too_far = { $field } quá xa so với thời điểm hiện tại.
too_few = { $field } có ít hơn số lượng tối thiểu.
too_long = { $field } dài quá mức cho phép.
too_long-max = { $field } không được dài quá { $max } ký tự.
too_many = { $field } có nhiều hơn số lượng cho phép.
too_precise = { $field } có quá nhiều chữ số thập phân.
too_short = { $field } ngắn hơn mức tối thiểu.
too_short-min = { $field } phải có ít nhất { $min } ký tự.
two_chairs = { $field }: mỗi hội đồng chỉ có một Chủ tịch Hội đồng.
unchanged = { $field } phải khác mật khẩu hiện tại.
under_discipline = { $field }: đối tượng đang trong thời gian bị xem xét kỷ luật, điều tra, thanh tra, kiểm tra hoặc có khiếu nại, tố cáo đang được xác minh, làm rõ.
unknown_field = { $field } là trường không xác định.
unknown_reference = { $field } không tham chiếu tới bản ghi nào.
unknown_scope = { $field }: không thể cấp phạm vi truy cập này cho ứng dụng.
unresolvable_host = { $field }: không phân giải được tên máy chủ.
wrong_kind = { $field }: bản ghi được tham chiếu không đúng loại.
wrong_subject = { $field }: danh hiệu, hình thức khen thưởng này dành cho loại đối tượng khác (cá nhân, tập thể, hộ gia đình).

## Lý do chưa đủ điều kiện cụ thể (errors[].message của not_eligible)

achievement_already_rewarded-count = { $field }: { $count } thành tích của hồ sơ đã được khen thưởng hoặc đang thuộc một hồ sơ đề nghị khác.
missing_documents-kinds = { $field }: hồ sơ còn thiếu { $kinds }.
prerequisite_streak-years =
    { $count ->
        [1] { $field }: đối tượng chưa đạt «{ $title }» năm { $last }.
       *[other] { $field }: đối tượng phải đạt «{ $title }» { $count } năm liên tục, từ năm { $first } đến năm { $last }, nhưng còn thiếu năm { $missing }.
    }
prerequisite_streak-awards = { $field }: đối tượng phải có { $count } lần liên tục đạt «{ $title }» (mỗi lần tính { $span } năm), lần gần nhất không muộn hơn năm { $last }, nhưng mới có { $got } lần liên tục.
prerequisite_borderline-years =
    { $count ->
        [1] { $field }: đối tượng chưa đạt «{ $title }» năm { $last }; mức gián đoạn này nằm trong giới hạn quy định cho phép, trường hợp này do Ban Thi đua – Khen thưởng xem xét.
       *[other] { $field }: đối tượng phải đạt «{ $title }» { $count } năm liên tục, từ năm { $first } đến năm { $last }, nhưng còn thiếu năm { $missing }; mức gián đoạn này nằm trong giới hạn quy định cho phép, trường hợp này do Ban Thi đua – Khen thưởng xem xét.
    }
prerequisite_borderline-awards = { $field }: đối tượng phải có { $count } lần liên tục đạt «{ $title }» (mỗi lần tính { $span } năm), lần gần nhất không muộn hơn năm { $last }, nhưng mới có { $got } lần liên tục; khoảng cách giữa các lần nằm trong giới hạn quy định cho phép, trường hợp này do Ban Thi đua – Khen thưởng xem xét.
prerequisite_pending-title = { $field }: đối tượng chưa đạt «{ $title }» nhưng đang được đề nghị danh hiệu này (năm { $years }); hồ sơ chỉ đủ điều kiện khi danh hiệu đó được công nhận.
member_share_short-count = { $field }: tập thể phải có { $strictly ->
        [yes] trên
       *[no] ít nhất
    } { $percent }% cá nhân đạt «{ $title }» năm { $year }, tức ít nhất { $needed } trên { $members } người, nhưng mới có { $holding } người.
member_title_missing-title = { $field }: tập thể phải có cá nhân đạt «{ $title }» năm { $year }, nhưng chưa có ai.
member_disciplined-names = { $field }: trong năm { $year }, tập thể có cá nhân bị kỷ luật từ hình thức { $form } trở lên: { $names }.
too_short-posting = { $field }: thời gian công khai theo quy định là { $days } { $count_vi }, đến hết { $earliest } là sớm nhất.
title_not_registered-title = { $field }: bản đăng ký thi đua năm { $year } của đơn vị đã được chấp nhận nhưng không đăng ký «{ $title }» cho đối tượng này.
quota_exceeded-count = { $field }: theo tỷ lệ khen thưởng, năm { $year } đơn vị được đề nghị tối đa { $allowed } trường hợp; hồ sơ này là trường hợp thứ { $used }.
initiative_missing-wanted = { $field }: đối tượng phải có sáng kiến được công nhận, có phạm vi ảnh hưởng { $scope } trở lên, { $years ->
        [1] trong năm { $last },
       *[other] từ năm { $first } đến năm { $last },
    } nhưng chưa có sáng kiến nào đáp ứng.
initiative_unregistered-wanted = { $field }: đối tượng phải có sáng kiến được công nhận, có phạm vi ảnh hưởng { $scope } trở lên, { $years ->
        [1] trong năm { $last },
       *[other] từ năm { $first } đến năm { $last },
    } nhưng sổ đăng ký sáng kiến chưa có sáng kiến nào đáp ứng; tài liệu về sáng kiến trong hồ sơ được dùng thay thế để Ban Thi đua – Khen thưởng xem xét.

## Lý do mã định danh (ID token) không được chấp nhận (detail của invalid_id_token)

invalid_id_token-not_jwt = Mã định danh (ID token) không được chấp nhận: không phải là JWT có chữ ký.
invalid_id_token-algorithm = Mã định danh (ID token) không được chấp nhận: chỉ chấp nhận chữ ký theo thuật toán RS256 hoặc ES256.
invalid_id_token-expired = Mã định danh (ID token) không được chấp nhận: mã đã hết hạn.
invalid_id_token-immature = Mã định danh (ID token) không được chấp nhận: mã chưa đến thời điểm có hiệu lực.
invalid_id_token-audience = Mã định danh (ID token) không được chấp nhận: mã được cấp cho bên nhận (audience) khác.
invalid_id_token-issuer = Mã định danh (ID token) không được chấp nhận: mã do một hệ thống xác thực khác phát hành.
invalid_id_token-signature = Mã định danh (ID token) không được chấp nhận: chữ ký không hợp lệ.
invalid_id_token-claim = Mã định danh (ID token) không được chấp nhận: thiếu thông tin (claim) bắt buộc.
invalid_id_token-unreadable = Mã định danh (ID token) không được chấp nhận: không đọc được nội dung của mã.
invalid_id_token-azp = Mã định danh (ID token) không được chấp nhận: mã được cấp cho ứng dụng khác (azp).
invalid_id_token-sub = Mã định danh (ID token) không được chấp nhận: thông tin định danh người dùng (sub) bị thiếu, để trống hoặc quá dài.
invalid_id_token-unknown_key = Mã định danh (ID token) không được chấp nhận: mã được ký bằng khóa mà hệ thống xác thực không công bố.
invalid_id_token-unusable_key = Mã định danh (ID token) không được chấp nhận: không sử dụng được khóa của hệ thống xác thực.

## Tên trường (field-<tên>), dùng làm $field

field-unnamed = Trường «{ $path }»
field-achievement_ids = Danh sách thành tích
field-active_on = Có hiệu lực vào ngày
field-after = Con trỏ phân trang
field-aimed_titles = Danh hiệu đăng ký
field-approval_threshold_percent = Tỷ lệ biểu quyết thông qua
field-as_of = Tính đến ngày
field-award_type_id = Danh hiệu, hình thức khen thưởng
field-birth_year = Năm sinh
field-body = Nội dung
field-campaign_id = Phong trào thi đua
field-category = Nhóm
field-cluster_id = Cụm, khối thi đua
field-cluster_ids = Danh sách cụm, khối thi đua
field-code = Mã
field-content = Nội dung
field-council_id = Hội đồng
field-current_password = Mật khẩu hiện tại
field-decided_on = Ngày ký quyết định
field-description = Mô tả
field-direction = Chiều sắp xếp
field-eligibility = Chưa đủ điều kiện
field-eligibility_warning = Cần lưu ý
field-email = Thư điện tử
field-end_date = Ngày kết thúc
field-event_types = Loại sự kiện
field-file = Tệp
field-final_review_on = Ngày tổng kết
field-format = Định dạng
field-from_year = Từ năm
field-full_name = Họ và tên
field-id = Mã định danh
field-id_token = Mã định danh (ID token)
field-identity_number = Số định danh cá nhân
field-indicator_id = Chỉ tiêu
field-interim_review_on = Ngày sơ kết
field-kind = Loại
field-leader_id = Đơn vị trưởng cụm, khối
field-limit = Số bản ghi mỗi trang
field-member_ids = Danh sách thành viên
field-members = Thành viên
field-name = Tên
field-narrative = Nội dung báo cáo
field-new_password = Mật khẩu mới
field-nomination_id = Hồ sơ đề nghị
field-nomination_ids = Danh sách hồ sơ đề nghị
field-note = Ghi chú
field-number = Số
field-parent_id = Đơn vị cấp trên
field-password = Mật khẩu
field-person_id = Cá nhân
field-phone = Số điện thoại
field-posting_days = Số ngày công khai
field-q = Từ khóa tìm kiếm
field-quota_of_code = Mã danh hiệu, hình thức khen thưởng làm căn cứ tính tỷ lệ
field-quota_percent = Tỷ lệ khen thưởng
field-reason = Lý do
field-registration_deadline = Hạn đăng ký
field-role = Vai trò
field-roles = Vai trò
field-roll_up = Tổng hợp cả đơn vị trực thuộc
field-scopes = Phạm vi truy cập
field-signer = Người ký
field-start_date = Ngày bắt đầu
field-status = Trạng thái
field-subject = Đối tượng
field-target = Chỉ tiêu
field-targets = Chỉ tiêu
field-term_end = Ngày kết thúc nhiệm kỳ
field-term_start = Ngày bắt đầu nhiệm kỳ
field-title = Tiêu đề
field-to_year = Đến năm
field-type = Loại
field-unit_id = Đơn vị
field-unit_ids = Danh sách đơn vị
field-url = Địa chỉ URL
field-username = Tên đăng nhập
field-valid_from = Ngày có hiệu lực
field-valid_until = Ngày hết hiệu lực
field-value = Giá trị
field-voting_deadline = Hạn biểu quyết
field-wait = Thời gian chờ
field-year = Năm

## Loại bản ghi (record-<loại>), dùng trong "Không tìm thấy …"

record-achievement = báo cáo thành tích
record-award = khen thưởng
record-award_type = danh hiệu, hình thức khen thưởng
record-campaign = phong trào thi đua
record-cluster = cụm, khối thi đua
record-comment = góp ý
record-commune = đơn vị hành chính cấp xã
record-council = Hội đồng Thi đua – Khen thưởng
record-council_session = phiên họp hội đồng
record-decision = quyết định khen thưởng
record-department = sở, ban, ngành
record-district = đơn vị hành chính cấp huyện
record-document = tài liệu
record-evidence_file = tệp minh chứng
record-indicator = chỉ tiêu
record-nomination = hồ sơ đề nghị khen thưởng
record-person = cá nhân
record-posting = thông báo công khai
record-province = đơn vị hành chính cấp tỉnh
record-record = bản ghi
record-round = đợt xét khen thưởng
record-dossier = hồ sơ đề nghị của đơn vị
record-title_registration = bản đăng ký danh hiệu thi đua
record-registration = bản đăng ký thi đua
record-review = hội nghị sơ kết, tổng kết
record-scoring_scheme = thang điểm thi đua
record-service_client = ứng dụng kết nối
record-user = tài khoản người dùng
record-webhook = webhook
