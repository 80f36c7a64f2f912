"""User-facing message texts for error and status keys, in the three session languages.

The core (no Qt) uses this table directly (headless demo, CLI); the Qt UI's ``.ts``
translations are generated from it, so a key has one source of truth. A test checks that
every key raised anywhere in the package has all three languages here.
"""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["zh-Hans", "zh-Hant", "en"]
LANGS: Final[tuple[Lang, ...]] = ("zh-Hans", "zh-Hant", "en")

MESSAGES: Final[dict[str, dict[Lang, str]]] = {
    # ---- configuration and environment
    "config.invalid": {
        "zh-Hans": "终端配置有误，暂停服务，请联系工作人员。",
        "zh-Hant": "終端配置有誤，暫停服務，請聯絡工作人員。",
        "en": "This terminal is misconfigured and out of service. Please contact staff.",
    },
    "catalog.invalid": {
        "zh-Hans": "事项目录数据有误，已继续使用原目录。",
        "zh-Hant": "事項目錄數據有誤，已繼續使用原目錄。",
        "en": "The service catalogue update was invalid; the previous catalogue stays in use.",
    },
    "store.disk_full": {
        "zh-Hans": "终端存储空间已满，本次申请未能保存，请联系工作人员。已保存的申请不受影响。",
        "zh-Hant": "終端儲存空間已滿，本次申請未能保存，請聯絡工作人員。已保存的申請不受影響。",
        "en": "The terminal's storage is full, so this application could not be saved. "
        "Please contact staff. Applications already saved are safe.",
    },
    "store.read_only": {
        "zh-Hans": "终端存储暂时无法写入，本次申请未能保存，请联系工作人员。",
        "zh-Hant": "終端儲存暫時無法寫入，本次申請未能保存，請聯絡工作人員。",
        "en": "The terminal cannot save right now, so this application was not saved. "
        "Please contact staff.",
    },
    "store.corrupt": {
        "zh-Hans": "终端数据校验失败，暂停服务，请联系工作人员。",
        "zh-Hant": "終端數據校驗失敗，暫停服務，請聯絡工作人員。",
        "en": "The terminal's data failed a check; it is out of service. Please contact staff.",
    },
    "store.key_unavailable": {
        "zh-Hans": "终端密钥不可用，暂停服务，请联系工作人员。",
        "zh-Hant": "終端密鑰不可用，暫停服務，請聯絡工作人員。",
        "en": "The terminal's encryption key is unavailable; it is out of service. "
        "Please contact staff.",
    },
    "store.not_found": {
        "zh-Hans": "未找到该受理编号，请核对后重新输入。",
        "zh-Hant": "未找到該受理編號，請核對後重新輸入。",
        "en": "No application with that tracking number was found. Please check and try again.",
    },
    "store.attachment_too_large": {
        "zh-Hans": "材料文件过大，请重新拍摄。",
        "zh-Hant": "材料檔案過大，請重新拍攝。",
        "en": "The captured document is too large. Please capture it again.",
    },
    # ---- identity validation
    "id.empty": {
        "zh-Hans": "请填写证件号码。",
        "zh-Hant": "請填寫證件號碼。",
        "en": "Please enter the document number.",
    },
    "id.format": {
        "zh-Hans": "证件号码格式不正确。",
        "zh-Hant": "證件號碼格式不正確。",
        "en": "The document number is not in the right format.",
    },
    "id.check_digit": {
        "zh-Hans": "证件号码校验位不正确，请核对。",
        "zh-Hant": "證件號碼校驗位不正確，請核對。",
        "en": "The document number's check digit is wrong. Please check it.",
    },
    "id.birth_date": {
        "zh-Hans": "证件号码中的出生日期无效。",
        "zh-Hant": "證件號碼中的出生日期無效。",
        "en": "The date of birth inside the ID number is not a valid date.",
    },
    "id.region": {
        "zh-Hans": "证件号码中的地区代码无效。",
        "zh-Hant": "證件號碼中的地區代碼無效。",
        "en": "The region code inside the ID number is not valid.",
    },
    "id.expired": {
        "zh-Hans": "证件已过有效期。",
        "zh-Hant": "證件已過有效期。",
        "en": "The document has expired.",
    },
    # ---- form validation
    "form.required": {
        "zh-Hans": "此项为必填项。",
        "zh-Hant": "此項為必填項。",
        "en": "This field is required.",
    },
    "form.too_long": {
        "zh-Hans": "内容过长。",
        "zh-Hant": "內容過長。",
        "en": "This is too long.",
    },
    "form.not_a_number": {
        "zh-Hans": "请输入数字。",
        "zh-Hant": "請輸入數字。",
        "en": "Please enter a number.",
    },
    "form.out_of_range": {
        "zh-Hans": "数值超出允许范围。",
        "zh-Hant": "數值超出允許範圍。",
        "en": "The number is outside the allowed range.",
    },
    "form.bad_date": {
        "zh-Hans": "请输入有效日期（年-月-日）。",
        "zh-Hant": "請輸入有效日期（年-月-日）。",
        "en": "Please enter a valid date (year-month-day).",
    },
    "form.bad_choice": {
        "zh-Hans": "请从列表中选择。",
        "zh-Hant": "請從列表中選擇。",
        "en": "Please choose from the list.",
    },
    "form.bad_phone": {
        "zh-Hans": "请输入有效的手机或电话号码。",
        "zh-Hant": "請輸入有效的手機或電話號碼。",
        "en": "Please enter a valid mobile or telephone number.",
    },
    # ---- journey
    "journey.materials_missing": {
        "zh-Hans": "还有必交材料未采集。",
        "zh-Hant": "尚有必交材料未採集。",
        "en": "Some required documents have not been captured yet.",
    },
    "journey.consent_required": {
        "zh-Hans": "需同意个人信息使用说明后才能提交。",
        "zh-Hant": "需同意個人資料使用說明後才能提交。",
        "en": "You need to agree to how your personal data is used before submitting.",
    },
    "journey.service_unavailable": {
        "zh-Hans": "本终端暂不能办理此事项。",
        "zh-Hant": "本終端暫不能辦理此事項。",
        "en": "This service is not available at this terminal.",
    },
    "journey.identity_mismatch": {
        "zh-Hans": "此事项不支持该证件。",
        "zh-Hant": "此事項不支援該證件。",
        "en": "This document cannot be used for this service.",
    },
    "journey.idle_warning": {
        "zh-Hans": "您还在吗？即将返回首页并清除本次填写的信息。",
        "zh-Hant": "您還在嗎？即將返回首頁並清除本次填寫的資料。",
        "en": "Are you still there? We will return to the start and clear your details.",
    },
    "journey.submitted": {
        "zh-Hans": "申请已保存并提交，请取走回执。",
        "zh-Hant": "申請已保存並提交，請取走回條。",
        "en": "Your application is saved and submitted. Please take your receipt.",
    },
    "policy.no_match": {
        "zh-Hans": "暂未找到符合条件的惠企政策。",
        "zh-Hant": "暫未找到符合條件的惠企政策。",
        "en": "No business-support policies match this company yet.",
    },
    "unexpected": {
        "zh-Hans": "终端发生故障，暂停服务，请联系工作人员。",
        "zh-Hant": "終端發生故障，暫停服務，請聯絡工作人員。",
        "en": "The terminal has a fault and is out of service. Please contact staff.",
    },
    # ---- journey (session state machine)
    "journey.bug": {
        "zh-Hans": "终端发生故障，暂停服务，请联系工作人员。",
        "zh-Hant": "終端發生故障，暫停服務，請聯絡工作人員。",
        "en": "The terminal has a fault and is out of service. Please contact staff.",
    },
    "journey.too_many_pages": {
        "zh-Hans": "此材料已达到页数上限，如需更换请先删除或重拍。",
        "zh-Hant": "此材料已達到頁數上限，如需更換請先刪除或重拍。",
        "en": "This document already has the most pages allowed. Delete or retake a page instead.",
    },
    "journey.too_few_pages": {
        "zh-Hans": "此材料页数不足，请继续拍摄。",
        "zh-Hant": "此材料頁數不足，請繼續拍攝。",
        "en": "This document needs more pages. Please capture the rest.",
    },
    "journey.no_accepted_id": {
        "zh-Hans": "本终端无法识别办理此事项所需的证件。",
        "zh-Hant": "本終端無法識別辦理此事項所需的證件。",
        "en": "This terminal cannot read any document this service accepts.",
    },
    "journey.id_method_unavailable": {
        "zh-Hans": "本终端不支持此种身份认证方式。",
        "zh-Hant": "本終端不支援此種身份認證方式。",
        "en": "This terminal does not accept this way of identifying yourself.",
    },
    "journey.device_unavailable.id_card_reader": {
        "zh-Hans": "身份证读卡器暂时无法使用，此事项暂停办理。",
        "zh-Hant": "身份證讀卡器暫時無法使用，此事項暫停辦理。",
        "en": "The ID card reader is not working, so this service is paused.",
    },
    "journey.device_unavailable.camera": {
        "zh-Hans": "材料拍摄设备暂时无法使用，此事项暂停办理。",
        "zh-Hant": "材料拍攝設備暫時無法使用，此事項暫停辦理。",
        "en": "The document camera is not working, so this service is paused.",
    },
    "journey.device_unavailable.code_scanner": {
        "zh-Hans": "扫码器暂时无法使用，此事项暂停办理。",
        "zh-Hant": "掃碼器暫時無法使用，此事項暫停辦理。",
        "en": "The code scanner is not working, so this service is paused.",
    },
    "journey.device_unavailable.receipt_printer": {
        "zh-Hans": "凭条打印机暂时无法使用，此事项暂停办理。",
        "zh-Hant": "憑條打印機暫時無法使用，此事項暫停辦理。",
        "en": "The receipt printer is not working, so this service is paused.",
    },
    "journey.device_unavailable.a4_printer": {
        "zh-Hans": "A4 打印机暂时无法使用，此事项暂停办理。",
        "zh-Hant": "A4 打印機暫時無法使用，此事項暫停辦理。",
        "en": "The A4 printer is not working, so this service is paused.",
    },
    "journey.device_unavailable.disk": {
        "zh-Hans": "终端存储空间即将用尽，暂停受理新的申请。已提交的申请不受影响。",
        "zh-Hant": "終端儲存空間即將用盡，暫停受理新的申請。已提交的申請不受影響。",
        "en": "This terminal is almost out of storage space, so it is not taking new applications. "
              "Applications already submitted are safe.",
    },
    "device.disk.low": {
        "zh-Hans": "数据盘剩余空间低于停止受理的阈值。",
        "zh-Hant": "資料磁碟剩餘空間低於停止受理的門檻。",
        "en": "Free space on the data disk is below the out-of-service threshold.",
    },
    "journey.tracking_required": {
        "zh-Hans": "请输入或扫描受理编号。",
        "zh-Hant": "請輸入或掃描受理編號。",
        "en": "Please enter or scan the tracking number.",
    },
    "journey.result_not_ready": {
        "zh-Hans": "办理结果尚未生成，请稍后再来，或查询办理进度。",
        "zh-Hant": "辦理結果尚未生成，請稍後再來，或查詢辦理進度。",
        "en": "The result is not ready yet. Please come back later or check the status.",
    },
    "journey.result_collected": {
        "zh-Hans": "该办理结果已领取。",
        "zh-Hant": "該辦理結果已領取。",
        "en": "This result has already been collected.",
    },
    "journey.pickup_at_window": {
        "zh-Hans": "该办理结果需到窗口领取，请联系工作人员。",
        "zh-Hant": "該辦理結果需到窗口領取，請聯絡工作人員。",
        "en": "This result is collected at a service window. Please ask staff.",
    },
    "journey.pickup_owner_mismatch": {
        "zh-Hans": "证件与申请人不符，无法领取。",
        "zh-Hant": "證件與申請人不符，無法領取。",
        "en": "This document does not match the applicant, so the result cannot be released.",
    },
    # ---- ID-card reader (kiosk/devices/idcard)
    "device.idcard.no_card": {
        "zh-Hans": "未检测到证件，请将身份证放在读卡区。",
        "zh-Hant": "未偵測到證件，請將身份證放在讀卡區。",
        "en": "No card detected. Please place your ID card on the reader.",
    },
    "device.idcard.checksum": {
        "zh-Hans": "读卡数据校验失败，请重新放置证件。",
        "zh-Hant": "讀卡數據校驗失敗，請重新放置證件。",
        "en": "The card data failed a check. Please place the card again.",
    },
    "device.idcard.read_failed": {
        "zh-Hans": "证件读取失败，请取下证件后重新放置。",
        "zh-Hant": "證件讀取失敗，請取下證件後重新放置。",
        "en": "The card could not be read. Please lift it and place it again.",
    },
    "device.idcard.removed": {
        "zh-Hans": "读卡过程中证件被移开，请重新放置并保持不动。",
        "zh-Hant": "讀卡過程中證件被移開，請重新放置並保持不動。",
        "en": "The card was moved away while being read. Please place it again and hold it still.",
    },
    "device.idcard.offline": {
        "zh-Hans": "身份证读卡器未连接，请联系工作人员。",
        "zh-Hant": "身份證讀卡器未連接，請聯絡工作人員。",
        "en": "The ID-card reader is not connected. Please contact staff.",
    },
    "device.idcard.fault": {
        "zh-Hans": "身份证读卡器故障，请联系工作人员。",
        "zh-Hant": "身份證讀卡器故障，請聯絡工作人員。",
        "en": "The ID-card reader reports a fault. Please contact staff.",
    },
    "device.idcard.invalid_number": {
        "zh-Hans": "证件号码校验未通过，无法使用该证件，请联系工作人员。",
        "zh-Hant": "證件號碼校驗未通過，無法使用該證件，請聯絡工作人員。",
        "en": "The number on this card failed its check, so the card cannot be used. "
        "Please contact staff.",
    },
    "device.idcard.timeout": {
        "zh-Hans": "身份证读卡器无响应，请稍后重试。",
        "zh-Hant": "身份證讀卡器無回應，請稍後重試。",
        "en": "The ID-card reader is not responding. Please try again shortly.",
    },
    "device.idcard.unsupported_card": {
        "zh-Hans": "暂不支持该类证件，请使用居民身份证、港澳台居民居住证或外国人永久居留身份证。",
        "zh-Hant": "暫不支援該類證件，請使用居民身份證、港澳台居民居住證或外國人永久居留身份證。",
        "en": "This kind of card is not supported. Please use a resident ID card, a Hong Kong/"
        "Macao/Taiwan residence permit or a foreign permanent resident ID card.",
    },
    "device.idcard.protocol": {
        "zh-Hans": "身份证读卡器通信异常，请稍后重试。",
        "zh-Hant": "身份證讀卡器通訊異常，請稍後重試。",
        "en": "Communication with the ID-card reader failed. Please try again shortly.",
    },
    "device.starting": {
        "zh-Hans": "设备正在启动，请稍候。",
        "zh-Hant": "設備正在啟動，請稍候。",
        "en": "The device is starting, one moment.",
    },
    # ---- camera and code scanner
    "device.camera.offline": {
        "zh-Hans": "摄像头未连接或无画面，请联系工作人员。",
        "zh-Hant": "攝像頭未連接或無畫面，請聯絡工作人員。",
        "en": "The camera is not connected or shows no picture. Please contact staff.",
    },
    "device.camera.frozen": {
        "zh-Hans": "摄像头画面停止更新，正在尝试恢复。",
        "zh-Hant": "攝像頭畫面停止更新，正在嘗試恢復。",
        "en": "The camera picture has stopped updating; the terminal is trying to recover it.",
    },
    "device.scanner.offline": {
        "zh-Hans": "扫码器未连接，请联系工作人员。",
        "zh-Hant": "掃碼器未連接，請聯絡工作人員。",
        "en": "The code scanner is not connected. Please contact staff.",
    },
    "device.scanner.payload_too_large": {
        "zh-Hans": "二维码内容过长，无法识别。",
        "zh-Hant": "二維碼內容過長，無法識別。",
        "en": "The code holds too much data to be read here.",
    },
    "device.scanner.undecodable": {
        "zh-Hans": "无法识别该二维码的内容，请换一个码再试。",
        "zh-Hant": "無法識別該二維碼的內容，請換一個碼再試。",
        "en": "The content of this code could not be read. Please try another code.",
    },
    "device.scanner.decoder_unavailable": {
        "zh-Hans": "扫码组件不可用，请联系工作人员。",
        "zh-Hant": "掃碼組件不可用，請聯絡工作人員。",
        "en": "The code-reading component is unavailable. Please contact staff.",
    },
    # ---- printers (receipt and A4) and the receipt texts
    "device.printer.paper_low": {
        "zh-Hans": "凭条打印纸即将用完，请通知工作人员更换。",
        "zh-Hant": "憑條打印紙即將用完，請通知工作人員更換。",
        "en": "The receipt paper is running low. Please tell staff.",
    },
    "device.printer.paper_out": {
        "zh-Hans": "凭条打印机缺纸，暂时无法打印凭条。",
        "zh-Hant": "憑條打印機缺紙，暫時無法打印憑條。",
        "en": "The receipt printer is out of paper, so no receipt can be printed.",
    },
    "device.printer.cover_open": {
        "zh-Hans": "凭条打印机机盖未关闭，暂时无法打印。",
        "zh-Hant": "憑條打印機機蓋未關閉，暫時無法打印。",
        "en": "The receipt printer's cover is open, so it cannot print.",
    },
    "device.printer.offline": {
        "zh-Hans": "凭条打印机未连接或无响应。",
        "zh-Hant": "憑條打印機未連接或無回應。",
        "en": "The receipt printer is not connected or not responding.",
    },
    "device.printer.unknown": {
        "zh-Hans": "无法读取凭条打印机状态。",
        "zh-Hant": "無法讀取憑條打印機狀態。",
        "en": "The receipt printer's status cannot be read.",
    },
    "device.printer.fault": {
        "zh-Hans": "凭条打印机故障（如切纸刀卡住），请联系工作人员。",
        "zh-Hant": "憑條打印機故障（如切紙刀卡住），請聯絡工作人員。",
        "en": "The receipt printer reports a fault (for example a cutter jam). Please contact staff.",
    },
    "device.printer.failed": {
        "zh-Hans": "凭条打印失败，请凭受理编号查询办理进度。",
        "zh-Hant": "憑條打印失敗，請憑受理編號查詢辦理進度。",
        "en": "The receipt could not be printed. Please note your tracking number.",
    },
    "device.a4.failed": {
        "zh-Hans": "A4 文档打印失败，请联系工作人员。",
        "zh-Hant": "A4 文件打印失敗，請聯絡工作人員。",
        "en": "The A4 document could not be printed. Please contact staff.",
    },
    "device.a4.offline": {
        "zh-Hans": "A4 打印机未连接或已停用。",
        "zh-Hant": "A4 打印機未連接或已停用。",
        "en": "The A4 printer is not connected or has been disabled.",
    },
    "device.a4.timeout": {
        "zh-Hans": "A4 文档打印超时，已取消该打印任务，请联系工作人员。",
        "zh-Hant": "A4 文件打印逾時，已取消該打印任務，請聯絡工作人員。",
        "en": "The A4 document took too long to print and was cancelled. Please contact staff.",
    },
    "receipts.font_missing": {
        "zh-Hans": "终端缺少中文字体，无法生成打印文档，请联系工作人员。",
        "zh-Hant": "終端缺少中文字型，無法生成打印文件，請聯絡工作人員。",
        "en": "The terminal has no Chinese font, so documents cannot be rendered. Please contact staff.",
    },
    "receipt.title": {
        "zh-Hans": "政务服务受理凭条",
        "zh-Hant": "政務服務受理憑條",
        "en": "Government Service Receipt",
    },
    "receipt.item": {"zh-Hans": "办理事项", "zh-Hant": "辦理事項", "en": "Service"},
    "receipt.tracking_no": {"zh-Hans": "受理编号", "zh-Hant": "受理編號", "en": "Tracking No."},
    "receipt.time": {"zh-Hans": "受理时间", "zh-Hant": "受理時間", "en": "Time"},
    "receipt.terminal": {"zh-Hans": "终端编号", "zh-Hant": "終端編號", "en": "Terminal"},
    "receipt.next_steps": {"zh-Hans": "后续事项", "zh-Hant": "後續事項", "en": "What happens next"},
    "receipt.next_step.default": {
        "zh-Hans": "可凭受理编号或扫描二维码查询办理进度。",
        "zh-Hant": "可憑受理編號或掃描二維碼查詢辦理進度。",
        "en": "Check progress with the tracking number or by scanning the QR code.",
    },
    "receipt.footer": {
        "zh-Hans": "请妥善保管本凭条。",
        "zh-Hant": "請妥善保管本憑條。",
        "en": "Please keep this receipt.",
    },
    "receipt.summary_title": {
        "zh-Hans": "申请信息摘要",
        "zh-Hant": "申請資料摘要",
        "en": "Application Summary",
    },
    "device.a4.unknown": {
        "zh-Hans": "无法读取 A4 打印机状态。",
        "zh-Hant": "無法讀取 A4 打印機狀態。",
        "en": "The A4 printer's status cannot be read.",
    },
    # ---- UI labels for codes (submission status, handling channel, rating reasons)
    "status.queued": {"zh-Hans": "已受理，待上传", "zh-Hant": "已受理，待上傳",
                      "en": "Received, waiting to upload"},
    "status.sending": {"zh-Hans": "正在上传", "zh-Hant": "正在上傳", "en": "Uploading"},
    "status.accepted": {"zh-Hans": "已接收", "zh-Hant": "已接收", "en": "Received by the department"},
    "status.rejected": {"zh-Hans": "未能接收，请咨询工作人员", "zh-Hant": "未能接收，請諮詢工作人員",
                        "en": "Not accepted; please ask staff"},
    "status.in_review": {"zh-Hans": "审核中", "zh-Hant": "審核中", "en": "Under review"},
    "status.needs_more": {"zh-Hans": "需补正材料", "zh-Hant": "需補正材料",
                          "en": "More documents needed"},
    "status.approved": {"zh-Hans": "已办结（准予）", "zh-Hant": "已辦結（准予）", "en": "Approved"},
    "status.declined": {"zh-Hans": "已办结（不予）", "zh-Hant": "已辦結（不予）", "en": "Declined"},
    "status.result_ready": {"zh-Hans": "结果可领取", "zh-Hant": "結果可領取",
                            "en": "Result ready for pickup"},
    "status.collected": {"zh-Hans": "结果已领取", "zh-Hant": "結果已領取", "en": "Result collected"},
    "channel.fully_online": {"zh-Hans": "全程网办", "zh-Hant": "全程網辦", "en": "Fully online"},
    "channel.at_most_one_visit": {"zh-Hans": "最多跑一次", "zh-Hant": "最多跑一次",
                                  "en": "At most one visit"},
    "channel.online_with_original_check": {"zh-Hans": "网上申请，窗口核验原件",
                                           "zh-Hant": "網上申請，窗口核驗原件",
                                           "en": "Apply here; originals checked at a window"},
    "rating.reason.fast": {"zh-Hans": "办理快捷", "zh-Hant": "辦理快捷", "en": "Quick"},
    "rating.reason.clear_guidance": {"zh-Hans": "指引清晰", "zh-Hant": "指引清晰",
                                     "en": "Clear guidance"},
    "rating.reason.easy_to_use": {"zh-Hans": "操作简便", "zh-Hant": "操作簡便", "en": "Easy to use"},
    "rating.reason.too_slow": {"zh-Hans": "等待时间长", "zh-Hant": "等待時間長", "en": "Too slow"},
    "rating.reason.confusing": {"zh-Hans": "步骤不清楚", "zh-Hant": "步驟不清楚", "en": "Confusing steps"},
    "rating.reason.device_problem": {"zh-Hans": "设备故障", "zh-Hant": "設備故障",
                                     "en": "A device did not work"},
    "sync.not_enrolled": {
        "zh-Hans": "本终端尚未登记到后台，暂不能上传办件，请联系工作人员。",
        "zh-Hant": "本終端尚未登記到後台，暫不能上傳辦件，請聯絡工作人員。",
        "en": "This terminal is not enrolled with the back office yet. Please contact staff.",
    },
    "sync.enrol_failed": {
        "zh-Hans": "终端登记失败：登记码无效、已过期或已使用。",
        "zh-Hant": "終端登記失敗：登記碼無效、已過期或已使用。",
        "en": "Enrolment failed: the code is invalid, expired or already used.",
    },
    "sync.offline": {
        "zh-Hans": "暂时无法连接后台，办件已安全保存在本机，恢复连接后自动上传。",
        "zh-Hant": "暫時無法連接後台，辦件已安全保存在本機，恢復連接後自動上傳。",
        "en": "The back office cannot be reached. Submissions are stored safely "
              "and will be sent automatically.",
    },
    "sync.server_error": {
        "zh-Hans": "后台暂时无法处理，办件已安全保存，稍后自动重试。",
        "zh-Hant": "後台暫時無法處理，辦件已安全保存，稍後自動重試。",
        "en": "The back office is temporarily unavailable. Submissions are stored safely "
              "and will be retried.",
    },
    "sync.tls_failed": {
        "zh-Hans": "后台证书校验失败，已停止上传，请联系工作人员。",
        "zh-Hant": "後台證書驗證失敗，已停止上傳，請聯絡工作人員。",
        "en": "The back office's certificate could not be verified; sending has stopped. "
              "Please contact staff.",
    },
    "sync.auth_failed": {
        "zh-Hans": "后台拒绝了本终端的身份验证（凭证或时钟有误），请联系工作人员。",
        "zh-Hant": "後台拒絕了本終端的身分驗證（憑證或時鐘有誤），請聯絡工作人員。",
        "en": "The back office refused this terminal's credentials (credential or clock is wrong). "
              "Please contact staff.",
    },
    "sync.rejected": {
        "zh-Hans": "后台拒收了一份办件，已暂停上传该办件，请联系工作人员处理。",
        "zh-Hant": "後台拒收了一份辦件，已暫停上傳該辦件，請聯絡工作人員處理。",
        "en": "The back office refused a submission; it has been set aside for staff to review.",
    },
    "sync.busy": {
        "zh-Hans": "另一个同步进程正在运行。",
        "zh-Hant": "另一個同步程序正在運行。",
        "en": "Another sync process is already running.",
    },
    "sync.catalog_invalid": {
        "zh-Hans": "后台下发的事项目录未通过校验，已拒绝并继续使用当前目录。",
        "zh-Hant": "後台下發的事項目錄未通過驗證，已拒絕並繼續使用目前的目錄。",
        "en": "The catalogue sent by the back office failed validation; the current one stays in use.",
    },
    "sync.config_invalid": {
        "zh-Hans": "后台下发的终端配置未通过校验，已拒绝并继续使用当前配置。",
        "zh-Hant": "後台下發的終端配置未通過驗證，已拒絕並繼續使用目前的配置。",
        "en": "The terminal configuration sent by the back office failed validation; the current one stays.",
    },
    # ---- document capture guidance and scanned-code reasons (kiosk.capture)
    "capture.blurry": {
        "zh-Hans": "画面模糊，请保持材料不动，稍等片刻。",
        "zh-Hant": "畫面模糊，請保持材料不動，稍等片刻。",
        "en": "The picture is blurry. Please hold the document still for a moment.",
    },
    "capture.glare": {
        "zh-Hans": "材料反光，请调整角度或避开灯光。",
        "zh-Hant": "材料反光，請調整角度或避開燈光。",
        "en": "There is glare on the document. Please tilt it or move it away from the light.",
    },
    "capture.too_dark": {
        "zh-Hans": "画面太暗，请将材料放在拍摄区域光线充足处。",
        "zh-Hant": "畫面太暗，請將材料放在拍攝區域光線充足處。",
        "en": "The picture is too dark. Please place the document in the lit capture area.",
    },
    "capture.too_bright": {
        "zh-Hans": "画面过亮，请避开强光。",
        "zh-Hant": "畫面過亮，請避開強光。",
        "en": "The picture is too bright. Please keep the document out of strong light.",
    },
    "capture.too_small": {
        "zh-Hans": "材料太小，请将材料靠近摄像头或放在拍摄区域中央。",
        "zh-Hant": "材料太小，請將材料靠近鏡頭或放在拍攝區域中央。",
        "en": "The document is too small. Please move it closer or to the middle of the capture area.",
    },
    "capture.cut_off": {
        "zh-Hans": "材料未完整入镜，请将整页放入拍摄区域。",
        "zh-Hant": "材料未完整入鏡，請將整頁放入拍攝區域。",
        "en": "Part of the document is cut off. Please place the whole page in the capture area.",
    },
    "capture.hold_still": {
        "zh-Hans": "请保持材料不动，正在拍摄。",
        "zh-Hant": "請保持材料不動，正在拍攝。",
        "en": "Please hold still while the document is captured.",
    },
    "capture.no_page": {
        "zh-Hans": "请将材料平放在拍摄区域内。",
        "zh-Hant": "請將材料平放在拍攝區域內。",
        "en": "Please place the document flat in the capture area.",
    },
    "capture.ready": {
        "zh-Hans": "已识别材料，请保持不动，即将自动拍摄。",
        "zh-Hant": "已識別材料，請保持不動，即將自動拍攝。",
        "en": "Document found. Hold still: it is captured automatically.",
    },
    "capture.take_away": {
        "zh-Hans": "这一页已经拍过。请先拿走，再放上需要拍摄的材料。",
        "zh-Hant": "這一頁已經拍過。請先拿走，再放上需要拍攝的材料。",
        "en": "This page was already captured. Take it away, then place the document needed now.",
    },
    "capture.captured": {
        "zh-Hans": "本页已拍摄。如有下一页，请换上下一页；拍完请点击“下一步”。",
        "zh-Hant": "本頁已拍攝。如有下一頁，請換上下一頁；拍完請點擊「下一步」。",
        "en": "Page captured. Place the next page, or tap Next when you are done.",
    },
    "qr.malformed": {
        "zh-Hans": "无法识别该二维码，请确认后重新扫描。",
        "zh-Hant": "無法識別該二維碼，請確認後重新掃描。",
        "en": "This QR code could not be read as a valid code. Please check it and scan again.",
    },
    "qr.bad_signature": {
        "zh-Hans": "二维码校验未通过，请使用本系统出具的凭条或官方应用中的二维码。",
        "zh-Hant": "二維碼校驗未通過，請使用本系統出具的憑條或官方應用程式中的二維碼。",
        "en": "This QR code failed verification. Please use a receipt from this system or the official app.",
    },
    "qr.expired": {
        "zh-Hans": "二维码已过期，请在应用中刷新后重新扫描。",
        "zh-Hant": "二維碼已過期，請在應用程式中重新整理後再掃描。",
        "en": "This QR code has expired. Please refresh it in the app and scan again.",
    },
    "qr.not_yet_valid": {
        "zh-Hans": "二维码尚未生效，请在应用中刷新后重新扫描。",
        "zh-Hant": "二維碼尚未生效，請在應用程式中重新整理後再掃描。",
        "en": "This QR code is not valid yet. Please refresh it in the app and scan again.",
    },
    "qr.unknown_kind": {
        "zh-Hans": "此处不支持该类型的二维码。",
        "zh-Hant": "此處不支援該類型的二維碼。",
        "en": "This kind of QR code cannot be used here.",
    },
    "terminal.closed_remotely": {
        "zh-Hans": "本机暂停服务，请前往附近的其他自助终端或服务窗口办理。",
        "zh-Hant": "本機暫停服務，請前往附近的其他自助終端或服務窗口辦理。",
        "en": "This terminal is closed for now. Please use another self-service terminal or "
        "a service window nearby.",
    },
    # ---- the help button: a call to the hall's remote staff (kiosk/sync/staff_call.py)
    "help.calling": {
        "zh-Hans": "正在呼叫工作人员……",
        "zh-Hant": "正在呼叫工作人員……",
        "en": "Calling a member of staff…",
    },
    "help.called": {
        "zh-Hans": "已呼叫工作人员，请稍候，工作人员将到场或通过本机电话与您联系。",
        "zh-Hant": "已呼叫工作人員，請稍候，工作人員將到場或透過本機電話與您聯絡。",
        "en": "Staff have been called. Please wait: someone will come or call you on this "
        "terminal's phone.",
    },
    "help.acknowledged": {
        "zh-Hans": "工作人员已响应您的呼叫，正在赶来。",
        "zh-Hant": "工作人員已回應您的呼叫，正在趕來。",
        "en": "A member of staff has answered your call and is on the way.",
    },
    "help.closed": {
        "zh-Hans": "您的求助已处理。如仍需帮助，请再次点击“帮助”。",
        "zh-Hant": "您的求助已處理。如仍需協助，請再次點擊「幫助」。",
        "en": "Your call for help was answered. Press Help again if you still need help.",
    },
    "help.unreachable": {
        "zh-Hans": "暂时无法联系到工作人员，请拨打政务服务便民热线 12345。",
        "zh-Hant": "暫時無法聯絡工作人員，請致電政務服務便民熱線 12345。",
        "en": "Staff cannot be reached from this terminal right now. Please call the government "
        "service hotline 12345.",
    },
    # ---- government-app identification (kiosk/identity/govapp.py)
    "identity.gov_app_off": {
        "zh-Hans": "本机暂不支持政务App扫码核身，请使用身份证。",
        "zh-Hant": "本機暫不支援政務App掃碼核身，請使用身份證。",
        "en": "Identification with the government app is not available here. Please use your ID card.",
    },
    "identity.gov_app_prompt": {
        "zh-Hans": "或打开政务App，出示“扫码核身”二维码，对准摄像头",
        "zh-Hant": "或打開政務App，出示「掃碼核身」二維碼，對準攝像頭",
        "en": "Or open the government app and hold its identity QR code up to the camera",
    },
    "identity.gov_app_checking": {
        "zh-Hans": "正在核验您的政务App身份码，请稍候……",
        "zh-Hant": "正在核驗您的政務App身份碼，請稍候……",
        "en": "Checking your government app code, one moment…",
    },
    "identity.gov_app_offline": {
        "zh-Hans": "网络暂不可用，无法核验政务App身份码，请使用身份证。",
        "zh-Hant": "網絡暫不可用，無法核驗政務App身份碼，請使用身份證。",
        "en": "The government app code cannot be checked right now (no network). "
        "Please use your ID card.",
    },
    "identity.gov_app_unknown": {
        "zh-Hans": "未查到该政务App账号的实名信息，请使用身份证。",
        "zh-Hant": "未查到該政務App帳號的實名資料，請使用身份證。",
        "en": "No verified identity was found for this government app account. "
        "Please use your ID card.",
    },
    "identity.gov_app_refused": {
        "zh-Hans": "政务App身份码未通过核验（可能已使用或已过期），请在App中刷新后重新出示。",
        "zh-Hant": "政務App身份碼未通過核驗（可能已使用或已過期），請在App中重新整理後再出示。",
        "en": "The government app code was not accepted (it may have been used or expired). "
        "Refresh it in the app and show it again.",
    },
    "qr.bad_uscc": {
        "zh-Hans": "营业执照二维码中的统一社会信用代码无效，请核对执照。",
        "zh-Hant": "營業執照二維碼中的統一社會信用代碼無效，請核對執照。",
        "en": "The unified social credit code in this business-licence QR code is not valid. "
        "Please check the licence.",
    },
    # ---- admin mode and diagnostics (kiosk/admin, kiosk/diagnostics)
    "admin.pin_invalid": {
        "zh-Hans": "管理密码须为 6 至 12 位数字。",
        "zh-Hant": "管理密碼須為 6 至 12 位數字。",
        "en": "The admin PIN must be 6 to 12 digits.",
    },
    "admin.wrong": {
        "zh-Hans": "密码错误。",
        "zh-Hant": "密碼錯誤。",
        "en": "Wrong PIN.",
    },
    "admin.locked": {
        "zh-Hans": "密码错误次数过多，管理入口已暂时锁定，请稍后再试。",
        "zh-Hant": "密碼錯誤次數過多，管理入口已暫時鎖定，請稍後再試。",
        "en": "Too many wrong PINs. Admin entry is locked for a while; please try again later.",
    },
    "admin.not_set": {
        "zh-Hans": "尚未设置管理密码，请由技术人员在终端命令行中设置。",
        "zh-Hant": "尚未設定管理密碼，請由技術人員在終端命令列中設定。",
        "en": "No admin PIN is set. A technician must set one from the terminal's shell.",
    },
    "diag.link_failed": {
        "zh-Hans": "无法连接后台服务器。",
        "zh-Hant": "無法連線後台伺服器。",
        "en": "The back office cannot be reached.",
    },
    "diag.disk_low": {
        "zh-Hans": "终端存储空间不足。",
        "zh-Hant": "終端儲存空間不足。",
        "en": "The terminal is running out of storage space.",
    },
    "diag.memory_low": {
        "zh-Hans": "终端可用内存不足。",
        "zh-Hant": "終端可用記憶體不足。",
        "en": "The terminal is running low on memory.",
    },
    "diag.integrity_failed": {
        "zh-Hans": "本地数据库完整性检查未通过。",
        "zh-Hant": "本機資料庫完整性檢查未通過。",
        "en": "The local database failed its integrity check.",
    },
    "diag.store_unavailable": {
        "zh-Hans": "无法打开本地待发送队列。",
        "zh-Hant": "無法開啟本機待傳送佇列。",
        "en": "The local outbox cannot be opened.",
    },
    "diag.queue_stale": {
        "zh-Hans": "有申请长时间未能发送到后台。",
        "zh-Hant": "有申請長時間未能傳送到後台。",
        "en": "Some submissions have not reached the back office for a long time.",
    },
    "diag.queue_parked": {
        "zh-Hans": "有申请被后台退回，需技术人员处理。",
        "zh-Hant": "有申請被後台退回，需技術人員處理。",
        "en": "Some submissions were refused by the back office and need a technician.",
    },
    "diag.sync_error": {
        "zh-Hans": "最近一次同步未成功。",
        "zh-Hant": "最近一次同步未成功。",
        "en": "The last sync did not succeed.",
    },
    # ---- receipt printing (UI)
    "receipt.printing": {
        "zh-Hans": "正在打印回执……",
        "zh-Hant": "正在列印回條……",
        "en": "Printing your receipt…",
    },
    "receipt.printed": {
        "zh-Hans": "回执已打印，请取走。",
        "zh-Hant": "回條已列印，請取走。",
        "en": "Your receipt is printed. Please take it.",
    },
    "receipt.print_failed": {
        "zh-Hans": "回执未能打印，但申请已成功提交。请用手机拍下二维码，或打印A4回执。",
        "zh-Hant": "回條未能列印，但申請已成功提交。請用手機拍下二維碼，或列印A4回條。",
        "en": "The receipt could not be printed, but your application is submitted. "
              "Take a photo of the QR code, or print an A4 copy.",
    },
    "receipt.a4_button": {
        "zh-Hans": "打印A4回执",
        "zh-Hant": "列印A4回條",
        "en": "Print an A4 copy",
    },
    "receipt.a4_printing": {
        "zh-Hans": "正在打印A4回执……",
        "zh-Hant": "正在列印A4回條……",
        "en": "Printing the A4 copy…",
    },
    "receipt.a4_printed": {
        "zh-Hans": "A4回执已打印，请在打印机出纸口取走。",
        "zh-Hant": "A4回條已列印，請在打印機出紙口取走。",
        "en": "The A4 copy is printed. Please take it from the printer.",
    },
    "receipt.a4_failed": {
        "zh-Hans": "A4回执也未能打印，请拍下二维码保存受理编号。",
        "zh-Hant": "A4回條也未能列印，請拍下二維碼保存受理編號。",
        "en": "The A4 copy could not be printed either. Please take a photo of the QR code.",
    },
    # ---- admin actions (kiosk/ui/models/admin.py)
    "admin.retried": {
        "zh-Hans": "已将被退回的申请重新排队发送。",
        "zh-Hant": "已將被退回的申請重新排隊傳送。",
        "en": "The refused submissions are queued to be sent again.",
    },
    "admin.sync_done": {
        "zh-Hans": "同步已完成。",
        "zh-Hant": "同步已完成。",
        "en": "Sync finished.",
    },
    "admin.pin_weak": {
        "zh-Hans": "新密码过于简单：不能全部为相同数字，也不能是连续数字。",
        "zh-Hant": "新密碼過於簡單：不能全部為相同數字，也不能是連續數字。",
        "en": "The new PIN is too easy: it may not be all the same digit or a run of digits.",
    },
    "admin.pin_mismatch": {
        "zh-Hans": "两次输入的新密码不一致，请重新输入。",
        "zh-Hant": "兩次輸入的新密碼不一致，請重新輸入。",
        "en": "The two new PINs differ. Please enter them again.",
    },
    "admin.pin_changed": {
        "zh-Hans": "管理密码已更改。",
        "zh-Hant": "管理密碼已更改。",
        "en": "The admin PIN was changed.",
    },
    "admin.report_written": {
        "zh-Hans": "诊断报告已保存。",
        "zh-Hant": "診斷報告已儲存。",
        "en": "The diagnostics report was saved.",
    },
    "admin.report_printed": {
        "zh-Hans": "诊断报告已保存并已送往 A4 打印机。",
        "zh-Hant": "診斷報告已儲存並已送往 A4 打印機。",
        "en": "The diagnostics report was saved and sent to the A4 printer.",
    },
    "admin.report_failed": {
        "zh-Hans": "诊断报告未能保存。",
        "zh-Hant": "診斷報告未能儲存。",
        "en": "The diagnostics report could not be saved.",
    },
    "admin.catalog_reloaded": {
        "zh-Hans": "事项目录已重新加载。",
        "zh-Hant": "事項目錄已重新載入。",
        "en": "The service catalogue was reloaded.",
    },
}


def translate(key: str, lang: Lang) -> str:
    """The message for ``key`` in ``lang``; an unknown key falls back to the generic fault text."""
    texts = MESSAGES.get(key) or MESSAGES["unexpected"]
    return texts[lang]
