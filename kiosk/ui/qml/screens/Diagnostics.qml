import QtQuick
import QtQuick.Controls
import "../components"

// Admin mode: the technician's diagnostics (the same checks as `kiosk diag`, run on a worker
// thread) with live device tests and the repair actions. Shown over everything, after the
// citizen session was wiped. No personal value ever reaches this screen.
Rectangle {
    id: diag
    objectName: "diagnostics"
    color: Theme.background

    function levelText(level) {
        return level === "ok" ? qsTr("OK") : level === "warn" ? qsTr("Warning")
             : level === "fail" ? qsTr("Fault") : qsTr("Not checked")
    }
    function levelColour(level) {
        return level === "ok" ? Theme.success : level === "fail" ? Theme.error : Theme.muted
    }
    function deviceName(name) {
        const names = {
            "id_card_reader": qsTr("ID card reader"), "camera": qsTr("Camera"),
            "code_scanner": qsTr("Code scanner"), "receipt_printer": qsTr("Receipt printer"),
            "a4_printer": qsTr("A4 printer")
        }
        return names[name] || name
    }
    function testLabel(kind) {
        return kind === "card" ? qsTr("Read a test card") : kind === "scan" ? qsTr("Scan a test code")
             : kind === "print" ? qsTr("Print a test page") : qsTr("Measure the camera")
    }
    function validityText(v) {
        return v === "valid" ? qsTr("valid") : v === "expired" ? qsTr("expired")
             : v === "long_term" ? qsTr("long-term") : qsTr("unknown")
    }
    function resultText(r) {
        if (!r || r.running === undefined)
            return ""
        if (r.running)
            return qsTr("Testing…")
        if (!r.ok)
            return qsTr("Test failed: %1").arg(r.message)
        if (r.kind_of_test === "card")
            return qsTr("Card kind: %1, validity: %2").arg(r.kind).arg(diag.validityText(r.validity))
        if (r.kind_of_test === "scan")
            return qsTr("Symbology: %1, %2 bytes").arg(r.symbology).arg(r.length)
        if (r.kind_of_test === "camera")
            return qsTr("%1 frames per second, focus score %2").arg(r.fps === null ? "-" : r.fps)
                   .arg(r.focus === null ? "-" : r.focus)
        return qsTr("Test page printed")
    }

    MouseArea {  // modal, and every tap keeps admin mode alive
        anchors.fill: parent
        onPressed: function(mouse) { admin.touch(); mouse.accepted = false }
    }

    Flickable {
        id: flick
        anchors.fill: parent
        anchors.margins: Theme.margin
        contentHeight: content.implicitHeight
        clip: true

        Column {
            id: content
            width: flick.width
            spacing: Theme.spacing

            Row {
                width: parent.width
                spacing: Theme.spacing
                KText {
                    width: parent.width - leaveButton.width - refreshButton.width - 2 * Theme.spacing
                    font.pixelSize: Theme.fontTitle
                    text: qsTr("Diagnostics")
                }
                BigButton {
                    id: refreshButton
                    objectName: "diagRefresh"
                    text: qsTr("Refresh")
                    enabled: !admin.checking
                    onClicked: admin.refresh()
                }
                BigButton {
                    id: leaveButton
                    objectName: "diagLeave"
                    primary: true
                    text: qsTr("Leave admin mode")
                    onClicked: admin.leave()
                }
            }
            KText {
                objectName: "diagSummary"
                width: parent.width
                color: Theme.muted
                text: admin.checking && admin.generatedAt === "" ? qsTr("Running the checks…")
                      : qsTr("Terminal %1 · checked %2 · app %3 · catalogue %4")
                        .arg(admin.terminalId).arg(admin.generatedAt).arg(admin.appVersion)
                        .arg(admin.catalogVersion || "-")
            }
            KText {
                objectName: "diagVerdict"
                visible: admin.generatedAt !== ""
                width: parent.width
                color: admin.healthy ? Theme.success : Theme.error
                text: admin.healthy ? qsTr("All required checks passed")
                                    : qsTr("A required check failed: the terminal is out of service")
            }

            KText { text: qsTr("Devices"); font.bold: true; font.pixelSize: Theme.fontTitle }
            Repeater {
                model: admin.devices
                Rectangle {
                    objectName: "diagDevice_" + modelData.name
                    width: content.width
                    height: deviceColumn.implicitHeight + 2 * Theme.spacing
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: Theme.border
                    border.width: Theme.borderWidth
                    Column {
                        id: deviceColumn
                        anchors { left: parent.left; right: parent.right; top: parent.top
                                  margins: Theme.spacing }
                        spacing: Theme.spacing / 2
                        KText {
                            width: parent.width
                            font.bold: true
                            text: diag.deviceName(modelData.name) + " — "
                                  + diag.levelText(modelData.level)
                            color: diag.levelColour(modelData.level)
                        }
                        KText {
                            width: parent.width
                            text: qsTr("Status: %1").arg(modelData.state)
                                  + (modelData.reason !== "" ? " · " + modelData.reason : "")
                        }
                        KText {
                            width: parent.width
                            visible: modelData.lastError !== ""
                            color: Theme.muted
                            text: qsTr("Last error: %1 at %2").arg(modelData.lastError)
                                  .arg(modelData.lastErrorAt)
                        }
                        Row {
                            spacing: Theme.spacing
                            visible: modelData.test !== ""
                            BigButton {
                                objectName: "diagTest_" + modelData.name
                                text: diag.testLabel(modelData.test)
                                enabled: !(modelData.result && modelData.result.running)
                                onClicked: admin.runTest(modelData.name)
                            }
                            KText {
                                objectName: "diagResult_" + modelData.name
                                anchors.verticalCenter: parent.verticalCenter
                                text: diag.resultText(modelData.result)
                            }
                        }
                    }
                }
            }

            KText { text: qsTr("Queue and sync"); font.bold: true; font.pixelSize: Theme.fontTitle }
            KText {
                objectName: "diagQueue"
                width: parent.width
                text: qsTr("Unsent: %1 · refused (parked): %2 · oldest unsent: %3")
                      .arg(admin.unsent).arg(admin.parked).arg(admin.oldestUnsent || "-")
            }
            Repeater {
                model: admin.checks
                KText {
                    objectName: "diagCheck_" + modelData.id
                    width: content.width
                    color: diag.levelColour(modelData.level)
                    text: modelData.id + " — " + diag.levelText(modelData.level) + ": "
                          + modelData.summary
                          + (modelData.message !== "" ? "\n" + modelData.message : "")
                }
            }

            KText { text: qsTr("Actions"); font.bold: true; font.pixelSize: Theme.fontTitle }
            Flow {
                width: parent.width
                spacing: Theme.spacing
                BigButton {
                    objectName: "diagRetryParked"
                    text: qsTr("Retry refused submissions")
                    enabled: admin.parked > 0 && !admin.working
                    onClicked: admin.retryParked()
                }
                BigButton {
                    objectName: "diagForceSync"
                    text: qsTr("Sync now")
                    enabled: admin.canForceSync && !admin.working
                    onClicked: admin.forceSync()
                }
                BigButton {
                    objectName: "diagReloadCatalog"
                    text: qsTr("Reload the catalogue")
                    enabled: admin.canReloadCatalog && !admin.working
                    onClicked: admin.reloadCatalog()
                }
                BigButton {
                    objectName: "diagWriteReport"
                    text: qsTr("Write report")
                    enabled: !admin.working
                    onClicked: admin.writeReport()
                }
                BigButton {
                    objectName: "diagChangePin"
                    text: qsTr("Change the admin PIN")
                    enabled: !admin.working
                    onClicked: admin.startChangePin()
                }
                BigButton {
                    objectName: "diagRestart"
                    text: qsTr("Restart the app")
                    onClicked: admin.restartApp()
                }
            }
            KText {
                objectName: "diagSyncDisabled"
                visible: !admin.canForceSync
                width: parent.width
                color: Theme.muted
                text: qsTr("Sync now is not available: this app runs no sync worker (the sync service does).")
            }
            KText {
                objectName: "diagActionMessage"
                visible: text !== ""
                width: parent.width
                text: admin.actionMessage
            }
            KText {
                objectName: "diagReportPath"
                visible: admin.reportPath !== ""
                width: parent.width
                color: Theme.muted
                text: qsTr("Report file: %1").arg(admin.reportPath)
            }

            KText { text: qsTr("Recent log lines (redacted)"); font.bold: true; font.pixelSize: Theme.fontTitle }
            Repeater {
                model: admin.logLines
                KText {
                    width: content.width
                    font.pixelSize: Theme.fontSmall
                    color: Theme.muted
                    text: modelData
                }
            }
        }
    }

    ChangePin {  // over the screen while a PIN change is in progress
        anchors.fill: parent
        visible: admin.changeStage !== ""
    }
}
