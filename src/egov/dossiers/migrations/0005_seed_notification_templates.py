"""The default Vietnamese texts of the messages to applicants, one per event and channel. Officers edit
them in the admin afterwards; running this again never overwrites an edited text."""

from django.db import migrations

FOOTER = "\n\nĐây là thư tự động, xin Ông/Bà vui lòng không trả lời thư này.\n"

DEFAULT_TEMPLATES = [
    {
        "event": "received",
        "channel": "sms",
        "subject": "",
        "body": (
            "Hồ sơ {{ code }} đã được tiếp nhận. Hẹn trả kết quả: {{ due_at }}. Tra cứu: {{ lookup_url }}"
        ),
    },
    {
        "event": "received",
        "channel": "email",
        "subject": "Hồ sơ {{ code }} đã được tiếp nhận",
        "body": (
            "Kính gửi Ông/Bà,\n\n"
            "{{ receiving_agency }} đã tiếp nhận hồ sơ của Ông/Bà.\n\n"
            "Mã hồ sơ: {{ code }}\n"
            "Thủ tục: {{ procedure }}\n"
            "Thời điểm tiếp nhận: {{ received_at }}\n"
            "Hẹn trả kết quả: {{ due_at }}\n\n"
            "Ông/Bà có thể theo dõi hồ sơ tại {{ lookup_url }} bằng mã hồ sơ và 4 số cuối số điện thoại "
            "hoặc số định danh cá nhân đã khai khi nộp hồ sơ." + FOOTER
        ),
    },
    {
        "event": "supplement_requested",
        "channel": "sms",
        "subject": "",
        "body": (
            "Hồ sơ {{ code }} cần bổ sung: {{ items }}. Hạn bổ sung: {{ supplement_due_on }}. "
            "Chi tiết: {{ lookup_url }}"
        ),
    },
    {
        "event": "supplement_requested",
        "channel": "email",
        "subject": "Hồ sơ {{ code }} cần bổ sung, hoàn thiện",
        "body": (
            "Kính gửi Ông/Bà,\n\n"
            "Hồ sơ {{ code }} ({{ procedure }}) chưa đầy đủ. {{ receiving_agency }} đề nghị Ông/Bà "
            "bổ sung, hoàn thiện:\n\n"
            "{{ items_lines }}\n\n"
            "{% if reason %}Lý do: {{ reason }}\n\n{% endif %}"
            "Thời hạn bổ sung: đến hết ngày {{ supplement_due_on }}. Quá thời hạn này, hồ sơ sẽ bị dừng "
            "giải quyết (Nghị định 118/2025/NĐ-CP, Điều 19 khoản 5).\n\n"
            "Theo dõi hồ sơ: {{ lookup_url }}" + FOOTER
        ),
    },
    {
        "event": "refused",
        "channel": "sms",
        "subject": "",
        "body": (
            "Hồ sơ {{ code }} không đủ điều kiện giải quyết. Lý do: {{ reasons }}. "
            "Liên hệ {{ receiving_agency }} để được hướng dẫn."
        ),
    },
    {
        "event": "refused",
        "channel": "email",
        "subject": "Hồ sơ {{ code }} không đủ điều kiện giải quyết",
        "body": (
            "Kính gửi Ông/Bà,\n\n"
            "{{ receiving_agency }} rất tiếc thông báo hồ sơ {{ code }} ({{ procedure }}) "
            "không đủ điều kiện giải quyết vì:\n\n"
            "{{ reasons_lines }}\n\n"
            "Ông/Bà có thể liên hệ {{ receiving_agency }} để được hướng dẫn." + FOOTER
        ),
    },
    {
        "event": "result_ready",
        "channel": "sms",
        "subject": "",
        "body": (
            "Hồ sơ {{ code }} đã có kết quả. Mời Ông/Bà nhận kết quả tại {{ receiving_agency }} "
            "hoặc theo hình thức đã đăng ký. Tra cứu: {{ lookup_url }}"
        ),
    },
    {
        "event": "result_ready",
        "channel": "email",
        "subject": "Hồ sơ {{ code }} đã có kết quả",
        "body": (
            "Kính gửi Ông/Bà,\n\n"
            "Hồ sơ {{ code }} ({{ procedure }}) đã có kết quả.\n\n"
            "Mời Ông/Bà nhận kết quả tại {{ receiving_agency }} hoặc theo hình thức đã đăng ký khi nộp "
            "hồ sơ. Khi đến nhận, xin mang theo giấy tiếp nhận hồ sơ và hẹn trả kết quả.\n\n"
            "Theo dõi hồ sơ: {{ lookup_url }}" + FOOTER
        ),
    },
    {
        "event": "stopped",
        "channel": "sms",
        "subject": "",
        "body": "Hồ sơ {{ code }} đã dừng giải quyết. Lý do: {{ reason }}. Chi tiết: {{ lookup_url }}",
    },
    {
        "event": "stopped",
        "channel": "email",
        "subject": "Thông báo dừng giải quyết hồ sơ {{ code }}",
        "body": (
            "Kính gửi Ông/Bà,\n\n"
            "{{ receiving_agency }} thông báo hồ sơ {{ code }} ({{ procedure }}) đã dừng giải quyết.\n\n"
            "Lý do: {{ reason }}\n\n"
            "Theo dõi hồ sơ: {{ lookup_url }}" + FOOTER
        ),
    },
]


def seed_notification_templates(apps, schema_editor):
    NotificationTemplate = apps.get_model("dossiers", "NotificationTemplate")
    for template in DEFAULT_TEMPLATES:
        NotificationTemplate.objects.get_or_create(
            event=template["event"],
            channel=template["channel"],
            defaults={"subject": template["subject"], "body": template["body"], "is_active": True},
        )


def remove_notification_templates(apps, schema_editor):
    NotificationTemplate = apps.get_model("dossiers", "NotificationTemplate")
    for template in DEFAULT_TEMPLATES:
        NotificationTemplate.objects.filter(
            event=template["event"], channel=template["channel"], body=template["body"]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0004_notification_templates_and_log")]

    operations = [migrations.RunPython(seed_notification_templates, remove_notification_templates)]
